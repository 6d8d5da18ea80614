package io.github.mubench.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.experiment.report.Report;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job end to end on a tiny random checkpoint (the bundled 1-layer random Llama-2 GGUF) and a tiny suite:
 * an experiment file with a sweep and two seeds runs, writes its report, and a second run recomputes nothing; a
 * changed setting retrains only the runs it determines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentTest {
    static final Path TINY = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ExperimentResult first;
    static List<String> firstLog = new ArrayList<>();

    /** An experiment file over the tiny model: GA, and NPO swept over β; two seeds; {@code gaSteps} GA steps. */
    static Path writeExperiment(Path folder, int gaSteps) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("passages.txt"), "Once upon a time there was a cat.\nThe sun rose over the hill.\nTim liked red apples.\n");
        Files.writeString(folder.resolve("endings.jsonl"), """
                {"ctx": "Tim went to the park.", "endings": ["He played.", "Blue sky.", "Ten.", "No."], "label": 0}
                {"ctx": "Sue had a cat.", "endings": ["Ten.", "The cat was soft.", "No.", "Blue."], "label": 1}
                """);
        Path file = folder.resolve("experiment.yaml");
        Files.writeString(file, """
                name: tiny
                out: out
                models:
                  - {name: tiny, path: %s}
                data:
                  forget: {dataset: advbench, limit: 8}
                  retain: {dataset: gsm8k, split: train, limit: 8}
                  refusal_text: I cannot help with that.
                methods:
                  - {method: ga, label: GA, training: {steps: %d}}
                  - method: npo
                    label: NPO
                    params: {beta: [0.1, 1.0]}
                training: {steps: 3, forget_batch: 2, retain_batch: 2, max_length: 32}
                evaluation:
                  tasks:
                    - advbench:attacks=none+refusal_suppression,max_new_tokens=4
                    - xstest:max_new_tokens=4
                    - perplexity:path=passages.txt
                    - hellaswag:path=endings.jsonl
                  judges: [keyword, xstest_strmatch]
                  limit: 4
                seeds: [0, 1]
                """.formatted(TINY, gaSteps));
        return file;
    }

    @BeforeAll
    static void runOnce() throws IOException {
        first = Experiment.fromFile(writeExperiment(dir, 2)).log(firstLog::add).run();
    }

    @Test
    @Order(1)
    void everySettingAndSeedIsUnlearnedEvaluatedAndReported() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(1, first.models().size());
        assertEquals(6, first.models().get(0).runs().size(), "GA + NPO at two β, two seeds each");
        Report r = Report.of(ExperimentResult.read(out));
        assertEquals(List.of("base", "GA", "NPO (beta=0.1)", "NPO (beta=1)"), r.rows().stream().map(Report.Row::label).toList());
        List<String> cols = r.columnLabels();
        assertTrue(cols.size() >= 5, "ASR per attack, over-safety, perplexity, hellaswag: " + cols);
        Report.Row base = r.rows().get(0);
        for (Report.Cell c : base.cells()) {
            assertTrue(c.n() > 0 && c.seeds() == 1, "base cells have n: " + c);
            assertTrue(c.lower() <= c.value() && c.value() <= c.upper(), "value within its interval: " + c);
        }
        Report.Row ga = r.rows().get(1);
        assertEquals(2, ga.steps());
        for (Report.Cell c : ga.cells()) {
            assertEquals(2, c.seeds(), "two seeds pooled");
            assertFalse(Double.isNaN(c.seedSd()), "a spread over seeds");
            assertFalse(Double.isNaN(c.delta()), "a difference from the base");
        }
        for (Report.Row row : r.rows()) {
            assertEquals(3, r.axes(row).length);
        }
        JsonNode json = JSON.readTree(out.resolve(Report.JSON_FILE).toFile());
        assertEquals(4, json.get("rows").size());
        assertTrue(json.get("rows").get(1).get("steps").asInt() == 2 && json.get("rows").get(1).has("peak_rss_mib"));
        String md = Files.readString(out.resolve(Report.MARKDOWN));
        assertTrue(md.contains("| tiny | base |") && md.contains("| tiny | NPO (beta=1) |"), md);
        assertTrue(Files.readString(out.resolve(Report.HTML)).contains("<svg id=\"trilemma\""));
    }

    @Test
    @Order(2)
    void noEvaluatedPromptIsTrainedOn() throws IOException {
        Set<String> asked = new HashSet<>();
        Datasets.load("advbench", HarmfulPrompt.class).items().subList(0, 4).forEach(h -> asked.add(h.prompt()));
        List<String> forget = Files.readAllLines(dir.resolve("out/data/forget.jsonl"), StandardCharsets.UTF_8);
        assertEquals(8, forget.size());
        for (String line : forget) {
            assertFalse(asked.contains(JSON.readTree(line).get("prompt").asText()), line);
        }
    }

    @Test
    @Order(3)
    void theSameExperimentAgainRecomputesNothing() throws IOException {
        byte[] before = Files.readAllBytes(dir.resolve("out").resolve(Report.JSON_FILE));
        AtomicInteger steps = new AtomicInteger();
        List<String> log = new ArrayList<>();
        Experiment.fromFile(dir.resolve("experiment.yaml")).log(log::add).onStep((s, m) -> steps.incrementAndGet()).run();
        assertEquals(0, steps.get(), "no training step");
        assertEquals(6, log.stream().filter(l -> l.contains(": reusing ")).count(), String.join("\n", log));
        assertEquals(new String(before, StandardCharsets.UTF_8),
                Files.readString(dir.resolve("out").resolve(Report.JSON_FILE)), "the same report");
        int evaluations = 0;
        for (ExperimentResult.RunResult run : ExperimentResult.read(dir.resolve("out")).models().get(0).runs()) {
            JsonNode tasks = JSON.readTree(run.eval().resolve("results.json").toFile()).get("tasks");
            for (JsonNode t : tasks) {
                assertEquals(0, t.path("work").path("requests_computed").asInt(), run.eval() + ": every answer from the store");
            }
            evaluations++;
        }
        assertEquals(6, evaluations);
    }

    @Test
    @Order(4)
    void aChangedSettingRetrainsOnlyWhatItDetermines() throws IOException {
        AtomicInteger steps = new AtomicInteger();
        List<String> log = new ArrayList<>();
        Experiment.fromFile(writeExperiment(dir, 3)).log(log::add).onStep((s, m) -> steps.incrementAndGet()).run();
        assertEquals(2 * 3, steps.get(), "GA's two seeds retrain, 3 steps each");
        assertEquals(4, log.stream().filter(l -> l.startsWith("NPO") && l.contains(": reusing ")).count(), String.join("\n", log));
        Report r = Report.of(ExperimentResult.read(dir.resolve("out")));
        assertEquals(3, r.rows().get(1).steps());
    }

    @Test
    @Order(5)
    void theReportOpensInAHeadlessBrowserWithItsCharts() throws Exception {
        var chromium = HeadlessBrowser.find();
        if (System.getenv("CI") == null) {
            org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(), "no chromium here (.ci/run installs it)");
        }
        Path browser = chromium.orElseThrow(() -> new AssertionError("CI must have chromium (.ci/run installs it)"));

        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<html><body><script>throw new Error('kaput');</script></body></html>");
        assertFalse(HeadlessBrowser.open(browser, bad, dir.resolve("browser-bad")).console().isEmpty(), "the harness sees script errors");

        HeadlessBrowser.Page page = HeadlessBrowser.open(browser, dir.resolve("out").resolve(Report.HTML), dir.resolve("browser"));
        assertEquals(List.of(), page.console(), "no console messages or errors");
        assertTrue(page.dom().contains("data-ready=\"true\""), "the page's script ran to its end");
        for (String id : List.of("trilemma", "bars-0", "heatmap", "curves", "results")) {
            assertTrue(page.dom().contains("id=\"" + id + "\""), "chart or table " + id);
        }
        assertTrue(page.dom().contains("<circle"), "the trilemma has points");
        double[] ink = HeadlessBrowser.ink(page.screenshot());
        assertTrue(ink[0] > 0.02 && ink[1] > 20, "the screenshot is not blank: " + ink[0] + " of pixels inked, " + ink[1] + " colours");
    }
}
