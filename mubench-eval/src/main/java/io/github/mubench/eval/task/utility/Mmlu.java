package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.stats.Intervals;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Metrics;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MMLU as lm-evaluation-harness's default {@code mmlu} task: per subject the description "The following are multiple
 * choice questions (with answers) about SUBJECT.\n\n", then {@code shots} dev-split questions of that subject (the
 * first ones) each as {@code QUESTION\nA. ..\nB. ..\nC. ..\nD. ..\nAnswer: X}, joined by blank lines, then the test
 * question ending in {@code Answer:}; the options are " A", " B", " C", " D". Metrics: {@code acc} (micro, over
 * questions; per subject as {@code acc[subject=...]}) and {@code acc_macro} (mean over subjects, with a bootstrap
 * over subjects). {@code --limit} is stratified by subject (seeded).
 */
public final class Mmlu extends ChoiceTask {
    /** Settings. */
    public record Settings(
            @Param(value = "5", doc = "few-shot examples per question, from the subject's dev split") int shots,
            @Param(value = "false", doc = "send the prompt as one user turn through the chat template") boolean chat) {
        public Settings {
            Parameters.atLeast("shots", shots, 0);
        }
    }

    private static final List<String> LETTERS = List.of("A", "B", "C", "D");
    private final Settings settings;
    private Map<String, List<MultipleChoice>> dev;

    public Mmlu(Settings settings) {
        super("mmlu", settings, settings.chat());
        this.settings = settings;
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        Dataset<MultipleChoice> test = Datasets.load("mmlu", "test", MultipleChoice.class)
                .stratified(context.limit(), context.seed(), MultipleChoice::subject);
        return test.items().stream().map(Doc::of).toList();
    }

    /** "high_school_biology" → "high school biology". */
    static String subject(String id) {
        return id.replace('_', ' ');
    }

    static String question(MultipleChoice q) {
        StringBuilder b = new StringBuilder(q.question().strip());
        for (int i = 0; i < q.choices().size(); i++) {
            b.append('\n').append(LETTERS.get(i)).append(". ").append(q.choices().get(i));
        }
        return b.append("\nAnswer:").toString();
    }

    @Override
    String context(MultipleChoice item) {
        StringBuilder b = new StringBuilder("The following are multiple choice questions (with answers) about ")
                .append(subject(item.subject())).append(".\n\n");
        for (MultipleChoice shot : shots(item.subject())) {
            b.append(question(shot)).append(' ').append(LETTERS.get(shot.gold())).append("\n\n");
        }
        return b.append(question(item)).toString();
    }

    private synchronized List<MultipleChoice> shots(String subject) {
        if (dev == null) {
            dev = new LinkedHashMap<>();
            for (MultipleChoice q : Datasets.load("mmlu", "dev", MultipleChoice.class).items()) {
                dev.computeIfAbsent(q.subject(), k -> new ArrayList<>()).add(q);
            }
        }
        List<MultipleChoice> all = dev.getOrDefault(subject, List.of());
        return all.subList(0, Math.min(settings.shots(), all.size()));
    }

    @Override
    String option(MultipleChoice item, int i) {
        return LETTERS.get(i);
    }

    @Override
    Map<String, Double> values(MultipleChoice item, double[] logprobs) {
        return Map.of("acc", argmax(logprobs) == item.gold() ? 1.0 : 0.0);
    }

    @Override
    Map<String, String> groups(MultipleChoice item) {
        return Map.of("subject", item.subject());
    }

    @Override
    public Map<String, Estimate> metrics(List<Sample> samples, long seed) {
        Map<String, Estimate> out = Metrics.aggregate(samples, seed);
        Map<String, List<Double>> bySubject = new TreeMap<>();
        samples.forEach(s -> bySubject.computeIfAbsent(s.groups().get("subject"), k -> new ArrayList<>()).add(s.values().get("acc")));
        double[] subjectAcc = bySubject.values().stream().mapToDouble(v -> v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)).toArray();
        Map<String, Estimate> ordered = new LinkedHashMap<>();
        ordered.put("acc", out.remove("acc"));
        ordered.put("acc_macro", Intervals.mean(subjectAcc, seed));
        ordered.putAll(out);
        return ordered;
    }
}
