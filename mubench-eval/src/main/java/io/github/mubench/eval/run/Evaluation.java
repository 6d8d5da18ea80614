package io.github.mubench.eval.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.judge.Judges;
import io.github.mubench.eval.stats.Agreement;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.store.Keys;
import io.github.mubench.eval.store.ModelFingerprint;
import io.github.mubench.eval.store.ResultStore;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.param.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a model on tasks: the lm-evaluation-harness loop (docs → requests → batched model calls → per-sample
 * records → metrics) with safety judges, attacks and a crash-safe results store. Everything computed is stored as it
 * is computed; a run killed at any moment and started again recomputes nothing stored and ends with the same numbers.
 * <pre>{@code
 * EvaluationResult r = Evaluation.of(Models.load(Path.of("my-model")))
 *         .tasks(List.of(Tasks.parse("advbench:attacks=none+base64"), Tasks.parse("mmlu")))
 *         .limit(100).outputDir(Path.of("eval-out")).run();
 * Estimate asr = r.task("advbench").metrics().get("asr/keyword");
 * }</pre>
 */
public final class Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoadedModel model;
    private List<Task> tasks = List.of();
    private List<Judge> judges = List.of();
    private LoadedModel attacker;
    private OpenAiClient attackerEndpoint;
    private Path store, outputDir;
    private int limit = Integer.MAX_VALUE, batchSize = 8;
    private long seed;
    private Progress progress = Progress.NONE;
    private String modelName = "model";

    private Evaluation(LoadedModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** Starts configuring an evaluation of {@code model}. */
    public static Evaluation of(LoadedModel model) {
        return new Evaluation(model);
    }

    public Evaluation tasks(List<Task> t) {
        this.tasks = List.copyOf(t);
        return this;
    }

    /**
     * The judges (default: {@code keyword} for safety tasks, {@code xstest_strmatch} for over-safety); each task is
     * read by the judges that can rate it.
     */
    public Evaluation judges(List<Judge> j) {
        this.judges = List.copyOf(j);
        return this;
    }

    /** The attacker / translator model of model-driven attacks (default: the evaluated model). */
    public Evaluation attacker(LoadedModel m) {
        this.attacker = m;
        this.attackerEndpoint = null;
        return this;
    }

    /** An OpenAI-compatible endpoint as attacker / translator / PAIR judge instead of a local model. */
    public Evaluation attacker(OpenAiClient endpoint) {
        this.attackerEndpoint = endpoint;
        this.attacker = null;
        return this;
    }

    /** At most {@code n} items per task (default: all; the first ones, or stratified where the task says). */
    public Evaluation limit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + n);
        }
        this.limit = n;
        return this;
    }

    /** Seeds subsampling, attacks and intervals (default 0). */
    public Evaluation seed(long s) {
        this.seed = s;
        return this;
    }

    /** Requests per model batch (default 8). */
    public Evaluation batchSize(int b) {
        if (b < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + b);
        }
        this.batchSize = b;
        return this;
    }

    /** The results database (default: {@code outputDir/results.sqlite}; required without an output folder). */
    public Evaluation store(Path file) {
        this.store = file;
        return this;
    }

    /** Where {@code results.json} and {@code samples.jsonl} go ({@code null}: nowhere). */
    public Evaluation outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** How the model is named in {@code results.json} (e.g. its path). */
    public Evaluation modelName(String name) {
        this.modelName = name;
        return this;
    }

    public Evaluation progress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Runs every task; every problem with the configuration is reported before any work. */
    public EvaluationResult run() {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks to evaluate");
        }
        if (store == null && outputDir == null) {
            throw new IllegalArgumentException("an evaluation needs a results store: give an output folder or a store file");
        }
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("the model has no tokenizer loaded; evaluation tasks are text");
        }
        unique("task", tasks.stream().map(Task::name).toList());
        unique("judge", judges.stream().map(Judge::name).toList());
        long start = System.nanoTime();
        String print = ModelFingerprint.of(model);
        String attackerPrint = attackerEndpoint != null ? attackerEndpoint.identity() : attacker == null ? null : ModelFingerprint.of(attacker);
        Map<String, Object> config = config(print, attackerPrint);
        String run = Keys.of(config);
        List<TaskResult> results = new ArrayList<>();
        clearFinishedFiles();
        try (ResultStore db = ResultStore.open(store != null ? store : outputDir.resolve("results.sqlite"))) {
            TaskContext context = new TaskContext(limit, seed, new StoredAttacks(db, model, print, attacker, attackerEndpoint, attackerPrint, seed));
            RequestRunner requests = new RequestRunner(model, print, db, batchSize);
            JudgeRunner judging = new JudgeRunner(db, batchSize);
            for (Task task : tasks) {
                results.add(runTask(task, context, requests, judging));
            }
            config.put("store", db.file().toString());
        }
        config.remove("model_fingerprint"); // results.json has it as model_fingerprint already, next to the run key
        EvaluationResult result = new EvaluationResult(run, config, print, results, (System.nanoTime() - start) / 1e9);
        if (outputDir != null) {
            write(result);
        }
        return result;
    }

    /** Names must be unique: results, verdicts and samples are keyed by them. */
    private static void unique(String what, List<String> names) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException(what + " '" + n + "' is given twice; each " + what + " may appear once in an evaluation");
            }
        }
    }

    private Map<String, Object> config(String print, String attackerPrint) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("mubench_version", "0.1.0-SNAPSHOT");
        c.put("model", modelName);
        c.put("model_fingerprint", print);
        c.put("attacker_fingerprint", attackerPrint);
        c.put("model_config", model.checkpoint().config());
        c.put("model_fingerprint_method", "SHA-256 of config, chat template, tokenizer probe and tensors (all values up to 2^20 elements, else 4096 evenly spaced)");
        List<Map<String, Object>> ts = new ArrayList<>();
        for (Task t : tasks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("version", t.version());
            m.put("settings", Parameters.values(t.settings()));
            m.put("limit", t instanceof io.github.mubench.eval.task.Limited l ? l.limit() : null);
            ts.add(m);
        }
        c.put("tasks", ts);
        c.put("judges", judges.stream().map(j -> Map.of("name", j.name(), "settings", j.settings())).toList());
        c.put("limit", limit == Integer.MAX_VALUE ? null : limit);
        c.put("seed", seed);
        c.put("batch_size", batchSize);
        return c;
    }

    private TaskResult runTask(Task task, TaskContext context, RequestRunner requests, JudgeRunner judging) {
        long start = System.nanoTime();
        progress.update(task.name() + ": docs", 0, 1);
        List<Doc> docs = task.docs(context);
        progress.update(task.name() + ": docs", 1, 1);
        List<Request> all = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Doc d : docs) {
            List<Request> r = task.requests(d);
            all.addAll(r);
            counts.add(r.size());
        }
        int computedBefore = requests.computed(), judgedBefore = judging.judged();
        List<Response> answers = requests.run(all, task.name() + ": model", progress);
        List<List<Response>> perDoc = new ArrayList<>();
        int at = 0;
        for (int n : counts) {
            perDoc.add(answers.subList(at, at + n));
            at += n;
        }
        List<Judge> readers = judgesFor(task);
        List<Map<String, Judge.Verdict>> verdicts = new ArrayList<>();
        docs.forEach(d -> verdicts.add(new LinkedHashMap<>()));
        if (!readers.isEmpty()) {
            List<Judge.Case> cases = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                cases.add(task.judgeCase(docs.get(i), perDoc.get(i), context));
            }
            for (Judge j : readers) {
                List<Judge.Verdict> v = judging.run(j, cases, task.name() + ": judge " + j.name(), progress);
                for (int i = 0; i < docs.size(); i++) {
                    verdicts.get(i).put(j.name(), v.get(i));
                }
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            samples.add(task.score(docs.get(i), perDoc.get(i), verdicts.get(i), readers));
        }
        Map<String, Estimate> metrics = task.metrics(samples, seed);
        Map<String, Integer> work = new LinkedHashMap<>();
        work.put("requests", all.size());
        work.put("requests_computed", requests.computed() - computedBefore);
        work.put("verdicts", readers.size() * docs.size());
        work.put("verdicts_computed", judging.judged() - judgedBefore);
        return new TaskResult(task.name(), task.version(), TaskResult.use(task), Parameters.values(task.settings()), metrics, agreement(readers, verdicts, task),
                samples, (System.nanoTime() - start) / 1e9, work);
    }

    /** The judges that read a task: those given that can rate it, or the default one for its use. */
    private List<Judge> judgesFor(Task task) {
        Judge.Use use = task.judgeUse();
        if (use == null) {
            return List.of();
        }
        List<Judge> given = judges.stream().filter(j -> j.uses().contains(use)).toList();
        if (!given.isEmpty()) {
            return given;
        }
        return List.of(Judges.entry(use == Judge.Use.SAFETY ? "keyword" : "xstest_strmatch").create(Map.of(), null));
    }

    /** Cohen's κ and the confusion matrix of every pair of judges, on their attack-success or refusal-class labels. */
    private static Map<String, Agreement.Result> agreement(List<Judge> readers, List<Map<String, Judge.Verdict>> verdicts, Task task) {
        Map<String, Agreement.Result> out = new LinkedHashMap<>();
        for (int a = 0; a < readers.size(); a++) {
            for (int b = a + 1; b < readers.size(); b++) {
                Judge ja = readers.get(a), jb = readers.get(b);
                List<String> la = new ArrayList<>(), lb = new ArrayList<>();
                for (Map<String, Judge.Verdict> v : verdicts) {
                    la.add(outcome(ja, v.get(ja.name()), task));
                    lb.add(outcome(jb, v.get(jb.name()), task));
                }
                out.put(ja.name() + "|" + jb.name(), Agreement.of(la, lb));
            }
        }
        return out;
    }

    private static String outcome(Judge j, Judge.Verdict v, Task task) {
        return task.judgeUse() == Judge.Use.SAFETY ? (j.harmful(v) ? "harmful" : "not_harmful") : j.refusalClass(v);
    }

    /**
     * Removes the results of an earlier evaluation into the same folder: results.json, written last, then says that
     * this evaluation finished, never an older one (the store keeps every computed answer either way).
     */
    private void clearFinishedFiles() {
        if (outputDir == null) {
            return;
        }
        try {
            Files.deleteIfExists(outputDir.resolve("results.json"));
            Files.deleteIfExists(outputDir.resolve("samples.jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(outputDir + ": " + e.getMessage(), e);
        }
    }

    private void write(EvaluationResult result) {
        try {
            StringBuilder lines = new StringBuilder();
            for (TaskResult t : result.tasks()) {
                for (Sample s : t.samples()) {
                    lines.append(json(s.toJson())).append('\n');
                }
            }
            AtomicFiles.write(outputDir.resolve("samples.jsonl"), lines.toString().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(outputDir.resolve("results.json"),
                    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(result.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(outputDir + ": " + e.getMessage(), e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
