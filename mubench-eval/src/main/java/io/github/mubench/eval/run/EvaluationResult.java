package io.github.mubench.eval.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an evaluation produced: the run's configuration, the model's fingerprint, every task's result. {@link #toJson}
 * is {@code results.json}.
 *
 * @param run         the run's key (content hash of model, tasks, judges, limit and seed)
 * @param config      what was run: model, tasks, judges, limit, seed, batch size, store, mubench version
 * @param fingerprint the evaluated model's fingerprint
 * @param tasks       each task's result, in order
 * @param seconds     wall time of the run
 */
public record EvaluationResult(String run, Map<String, Object> config, String fingerprint, List<TaskResult> tasks, double seconds) {
    /** The result of task {@code name}. */
    public TaskResult task(String name) {
        return tasks.stream().filter(t -> t.task().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task '" + name + "' in this evaluation"));
    }

    /** The {@code results.json} object: configuration, fingerprint, and every task's settings, metrics and agreement. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run);
        m.putAll(config);
        m.put("model_fingerprint", fingerprint);
        m.put("seconds", seconds);
        Map<String, Object> ts = new LinkedHashMap<>();
        for (TaskResult t : tasks) {
            Map<String, Object> tj = new LinkedHashMap<>();
            tj.put("version", t.version());
            tj.put("use", t.use());
            tj.put("settings", t.settings());
            tj.put("samples", t.samples().size());
            tj.put("seconds", t.seconds());
            tj.put("work", t.work());
            tj.put("metrics", t.metrics());
            if (!t.agreement().isEmpty()) {
                tj.put("agreement", t.agreement());
            }
            ts.put(t.task(), tj);
        }
        m.put("tasks", ts);
        return m;
    }
}
