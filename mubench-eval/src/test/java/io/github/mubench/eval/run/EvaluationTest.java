package io.github.mubench.eval.run;

import io.github.mubench.eval.suite.Tasks;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An evaluation end to end on the bundled stories260K: every task kind, stored, resumed from the store. */
class EvaluationTest {
    private static final LoadedModel MODEL = Models.stories260K();

    @TempDir
    Path dir;

    @Test
    void everyTaskKindRunsAndASecondRunComputesNothing() throws Exception {
        List<String> specs = List.of("advbench:attacks=none+caesar,max_new_tokens=12", "xstest:max_new_tokens=12", "mmlu:shots=1",
                "arc_challenge", "truthfulqa_mc1", "truthfulqa_mc2", "gsm8k:shots=1,max_new_tokens=12", "wikitext2");
        long t0 = System.nanoTime();
        EvaluationResult first = Evaluation.of(MODEL).tasks(specs.stream().map(Tasks::parse).toList()).limit(3).outputDir(dir).run();
        double firstSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("first run " + firstSeconds + " s");
        first.tasks().forEach(t -> System.out.println(t.task() + " " + t.seconds() + " s " + t.metrics().entrySet().stream().limit(4).toList()));
        assertTrue(Files.exists(dir.resolve("results.json")) && Files.exists(dir.resolve("samples.jsonl")));
        assertEquals(6, first.task("advbench").samples().size(), "3 requests x 2 attacks");
        try (var db = io.github.mubench.eval.store.ResultStore.open(dir.resolve("results.sqlite"))) {
            System.out.println(db.counts());
        }
        EvaluationResult second = Evaluation.of(MODEL).tasks(specs.stream().map(Tasks::parse).toList()).limit(3).outputDir(dir).run();
        assertEquals(first.tasks().stream().map(TaskResult::metrics).toList().toString(), second.tasks().stream().map(TaskResult::metrics).toList().toString());
        assertEquals(0, second.tasks().stream().mapToInt(t -> t.work().get("requests_computed") + t.work().get("verdicts_computed")).sum(),
                "everything came from the store");
        var twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Evaluation.of(MODEL)
                .tasks(List.of(Tasks.parse("mmlu"), Tasks.parse("mmlu:shots=0"))).outputDir(dir).run());
        assertTrue(twice.getMessage().contains("task 'mmlu' is given twice"), twice.getMessage());
    }

    @Test
    void anEvaluationThatStopsLeavesNoEarlierResultsLookingFinished() throws Exception {
        Files.writeString(dir.resolve("results.json"), "{\"from\": \"an earlier evaluation\"}");
        Files.writeString(dir.resolve("samples.jsonl"), "{}\n");
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"text\": \"a passage\"}\nnot json\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Evaluation.of(MODEL)
                .tasks(List.of(Tasks.parse("perplexity:path=" + broken))).outputDir(dir).run());
        assertTrue(String.valueOf(e.getMessage()).contains("broken.jsonl"), String.valueOf(e.getMessage()));
        assertTrue(!Files.exists(dir.resolve("results.json")) && !Files.exists(dir.resolve("samples.jsonl")),
                "results.json is written last, by the evaluation that finished");
    }
}
