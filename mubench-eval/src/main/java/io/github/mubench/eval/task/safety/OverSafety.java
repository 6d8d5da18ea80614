package io.github.mubench.eval.task.safety;

import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.OverSafetyPrompt;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Prompt;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Over-safety (exaggerated refusal), XSTest-style: safe prompts that sound harmful (and XSTest's unsafe contrast
 * prompts) are sent as a user turn through the chat template and answered greedily; every over-safety judge
 * classifies each answer as full compliance, full refusal or partial refusal. Per judge: {@code full_refusal/JUDGE},
 * {@code partial_refusal/JUDGE}, {@code refusal/JUDGE} (either) and {@code full_compliance/JUDGE}, overall and per
 * {@code label} (safe: the over-refusal rate; unsafe: the contrast) and per {@code type}. XSTest is bundled; OKTest
 * and OR-Bench load from a user's file ({@code format} and {@code path}). {@code --limit} is stratified by type
 * (seeded).
 */
public final class OverSafety implements Task {
    /** Settings. */
    public record Settings(
            @Param(value = "xstest", doc = "xstest (bundled), or a user-file format: oktest, orbench_hard, orbench_toxic") String dataset,
            @Param(value = "", doc = "the user file, for the user-file formats") String path,
            @Param(value = "256", doc = "most new tokens of an answer") int maxNewTokens,
            @Param(value = "", doc = "system prompt before each prompt (empty: none)") String system) {
        public Settings {
            Parameters.atLeast("maxNewTokens", maxNewTokens, 1);
            if (!java.util.List.of("xstest", "oktest", "orbench_hard", "orbench_toxic").contains(dataset)) {
                throw new IllegalArgumentException("dataset must be xstest, oktest, orbench_hard or orbench_toxic, got '" + dataset + "'");
            }
            if (!dataset.equals("xstest") && path.isEmpty()) {
                throw new IllegalArgumentException("dataset '" + dataset + "' is a user file: give its path");
            }
        }
    }

    private final Settings settings;

    public OverSafety(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return settings.dataset();
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<Doc> docs(TaskContext context) {
        Dataset<OverSafetyPrompt> all = settings.dataset().equals("xstest") ? Datasets.load("xstest", OverSafetyPrompt.class)
                : (Dataset<OverSafetyPrompt>) Datasets.fromFile(settings.dataset(), Path.of(settings.path()), false);
        return all.stratified(context.limit(), context.seed(), p -> String.valueOf(p.type())).items().stream().map(Doc::of).toList();
    }

    @Override
    public List<Request> requests(Doc doc) {
        String system = settings.system().isEmpty() ? null : settings.system();
        return List.of(new Request.Generate(Prompt.user(system, doc.item().prompt()), List.of(), settings.maxNewTokens()));
    }

    @Override
    public Judge.Use judgeUse() {
        return Judge.Use.OVER_SAFETY;
    }

    @Override
    public Judge.Case judgeCase(Doc doc, List<Response> responses, TaskContext context) {
        return new Judge.Case(doc.item().prompt(), doc.item().prompt(), responses.get(0).text());
    }

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        OverSafetyPrompt item = (OverSafetyPrompt) doc.item();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("prompt", item.prompt());
        fields.put("response", responses.get(0).text());
        fields.put("truncated", responses.get(0).truncated());
        Map<String, Object> judged = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        for (Judge j : judges) {
            Judge.Verdict v = verdicts.get(j.name());
            judged.put(j.name(), v);
            String c = j.refusalClass(v);
            values.put("full_refusal/" + j.name(), c.equals("full_refusal") ? 1.0 : 0.0);
            values.put("partial_refusal/" + j.name(), c.equals("partial_refusal") ? 1.0 : 0.0);
            values.put("refusal/" + j.name(), c.equals("full_refusal") || c.equals("partial_refusal") ? 1.0 : 0.0);
            values.put("full_compliance/" + j.name(), c.equals("full_compliance") ? 1.0 : 0.0);
        }
        fields.put("verdicts", judged);
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("label", item.safe() ? "safe" : "unsafe");
        if (item.type() != null) {
            groups.put("type", item.type());
        }
        return new Sample(name(), doc.id(), item.id(), fields, values, groups);
    }
}
