package io.github.mubench.eval.task.utility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.run.Progress;
import io.github.mubench.eval.run.RequestRunner;
import io.github.mubench.eval.store.ResultStore;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.param.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MMLU (1-shot) and ARC-Challenge against an independent reference ({@code tools/make_fixtures.py tasks}): the
 * prompts formatted in Python from lm-eval's documented templates, tokenized by a Python llama2.c encoder, scored by
 * a PyTorch forward pass of stories260K. The contexts must match character for character, the options'
 * log-likelihoods within 1e-4 and their greediness exactly; acc and acc_norm follow.
 */
class ChoiceTasksGoldenTest {
    private static final JsonNode REF;
    private static final LoadedModel MODEL = Models.stories260K();

    static {
        try {
            REF = new ObjectMapper().readTree(Path.of("..", "mubench-tensor", "src", "test", "resources", "fixtures", "tasks",
                    "stories260K.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TempDir
    Path dir;

    private List<Response> answers(ChoiceTask task, MultipleChoice item) {
        List<Request> requests = task.requests(Doc.of(item));
        try (ResultStore store = ResultStore.open(dir.resolve("s.sqlite"))) {
            return new RequestRunner(MODEL, "stories", store, 4).run(requests, "test", Progress.NONE);
        }
    }

    private static void matches(JsonNode expected, String context, List<Response> answers) {
        for (int i = 0; i < answers.size(); i++) {
            JsonNode o = expected.get("options").get(i);
            assertEquals(o.get("context").asText(), context, "context, character for character");
            assertEquals(o.get("logprob").asDouble(), answers.get(i).logprob(), 1e-4 + 1e-5 * Math.abs(o.get("logprob").asDouble()), "option " + i);
            assertEquals(o.get("greedy").asBoolean(), answers.get(i).greedy(), "greedy, option " + i);
        }
    }

    @Test
    void mmluOneShotMatchesTheReference() {
        Mmlu task = new Mmlu(Parameters.create(Mmlu.Settings.class, Map.of("shots", "1"), "test"));
        Map<String, MultipleChoice> test = new java.util.HashMap<>();
        Datasets.load("mmlu", "test", MultipleChoice.class).items().forEach(q -> test.put(q.id(), q));
        for (JsonNode e : REF.get("mmlu")) {
            MultipleChoice item = test.get(e.get("id").asText());
            List<Response> a = answers(task, item);
            matches(e, task.context(item), a);
            double[] ll = a.stream().mapToDouble(Response::logprob).toArray();
            double[] ref = new double[4];
            for (int i = 0; i < 4; i++) {
                ref[i] = e.get("options").get(i).get("logprob").asDouble();
            }
            assertEquals(ChoiceTask.argmax(ref) == e.get("gold").asInt() ? 1.0 : 0.0, task.values(item, ll).get("acc"));
        }
    }

    @Test
    void arcMatchesTheReferenceAndNormalisesByCharacters() {
        Arc task = new Arc(Parameters.defaults(Arc.Settings.class));
        Map<String, MultipleChoice> test = new java.util.HashMap<>();
        Datasets.load("arc_challenge", "test", MultipleChoice.class).items().forEach(q -> test.put(q.id(), q));
        for (JsonNode e : REF.get("arc_challenge")) {
            MultipleChoice item = test.get(e.get("id").asText());
            List<Response> a = answers(task, item);
            matches(e, task.context(item), a);
            int n = a.size();
            double[] ll = new double[n], norm = new double[n];
            for (int i = 0; i < n; i++) {
                ll[i] = e.get("options").get(i).get("logprob").asDouble();
                norm[i] = ll[i] / e.get("lengths").get(i).asInt();
            }
            int gold = e.get("gold").asInt();
            Map<String, Double> v = task.values(item, a.stream().mapToDouble(Response::logprob).toArray());
            assertEquals(ChoiceTask.argmax(ll) == gold ? 1.0 : 0.0, v.get("acc"), e.get("id").asText());
            assertEquals(ChoiceTask.argmax(norm) == gold ? 1.0 : 0.0, v.get("acc_norm"), e.get("id").asText());
        }
    }
}
