package io.github.mubench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.experiment.Experiment;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 2 × 2 grid (GA and NPO, two seeds) on a tiny random model, on {@code local[2]}: its report equals a local run's;
 * a cell that dies mid-training is retried by Spark, resumes from its snapshot, and is the only cell computed twice;
 * the same grid submitted again computes nothing.
 */
class SparkGridTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TINY = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Runs a cell as {@link SparkGrid#DEFAULT} does, logging each attempt, and dies once inside NPO seed 1's training. */
    record DyingOnce(String attempts, String marker) implements SparkGrid.CellRunner {
        @Override
        public void run(Experiment experiment, Experiment.Cell cell) {
            append(attempts, "cell " + cell.model() + "/" + cell.setting());
            experiment.log(line -> append(attempts, "  " + line)).onStep((s, m) -> {
                if (s.group().equals("NPO") && s.seed() == 1 && m.step() == 15 && !Files.exists(Path.of(marker))) {
                    append(marker, "died");
                    throw new IllegalStateException("the executor died (test)");
                }
            }).runCell(cell);
        }

        private static void append(String file, String line) {
            try {
                Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void theGridOnSparkEqualsALocalRunAndRecomputesOnlyWhatDied() throws Exception {
        Path experiment = dir.resolve("grid.yaml");
        Files.writeString(experiment, """
                models: [{name: tiny, path: %s}]
                data: {forget: {dataset: advbench, limit: 6}, retain: {dataset: gsm8k, split: train, limit: 6}}
                methods:
                  - {method: ga, label: GA, training: {steps: 4}}
                  - {method: npo, label: NPO, training: {steps: 24}}
                training: {forget_batch: 2, retain_batch: 2, max_length: 24}
                evaluation:
                  tasks: ["advbench:attacks=none,max_new_tokens=4", "xstest:max_new_tokens=4"]
                  limit: 4
                seeds: [0, 1]
                """.formatted(TINY));
        Path local = dir.resolve("local"), grid = dir.resolve("grid");
        long localStart = System.nanoTime();
        Experiment.fromFile(experiment).outputDir(local).log(line -> { }).run();
        double localSeconds = (System.nanoTime() - localStart) / 1e9;

        Path attempts = dir.resolve("attempts.txt"), marker = dir.resolve("died.txt");
        SparkConf conf = new SparkConf().setMaster("local[2,4]").set("spark.ui.enabled", "false");
        long start = System.nanoTime();
        SparkGrid.run(experiment, grid, conf, new DyingOnce(attempts.toString(), marker.toString()), line -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(Files.exists(marker), "the NPO seed-1 cell died once");
        assertEquals(withoutTimes(JSON.readTree(local.resolve("results.json").toFile())),
                withoutTimes(JSON.readTree(grid.resolve("results.json").toFile())), "the same report as a local run");

        List<String> lines = Files.readAllLines(attempts);
        List<String> cells = lines.stream().filter(l -> l.startsWith("cell ")).toList();
        assertEquals(5, cells.stream().distinct().count(), "the base evaluation + 2 methods x 2 seeds, " + cells);
        assertEquals(6, cells.size(), "one cell ran twice: " + cells);
        assertEquals(2, cells.stream().filter(c -> c.equals("cell 0/3")).count(), "NPO seed 1 (settings: GA 0, GA 1, NPO 0, NPO 1) ran twice: " + cells);
        assertTrue(lines.stream().anyMatch(l -> l.contains("NPO seed 1: resuming")), "the retry resumed from the snapshot: " + lines);
        try (var left = Files.list(grid.resolve(Experiment.CELL_STORES))) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".sqlite")), "every task's store was merged into the experiment's");
        }
        assertNothingComputedByTheDriver(grid); // the driver's report pass found every answer in the merged stores

        Files.delete(attempts);
        SparkGrid.run(experiment, grid, conf, new DyingOnce(attempts.toString(), marker.toString()), line -> { });
        List<String> again = Files.readAllLines(attempts);
        assertFalse(again.stream().anyMatch(l -> l.contains("unlearning (") || l.contains("resuming")), "resubmitted: nothing trained " + again);
        assertNothingComputedByTheDriver(grid);
        assertEquals(withoutTimes(JSON.readTree(local.resolve("results.json").toFile())),
                withoutTimes(JSON.readTree(grid.resolve("results.json").toFile())));
        System.out.printf("{\"event\":\"spark_grid\",\"cells\":5,\"local_run_seconds\":%.1f,\"spark_local2_seconds\":%.1f}%n",
                localSeconds, seconds);
    }

    @Test
    void theSparkSubmitEntryPointRunsAGridWithTheMasterItIsGiven() throws Exception {
        Path experiment = dir.resolve("small.yaml"), out = dir.resolve("small");
        Files.writeString(experiment, """
                models: [{name: tiny, path: %s}]
                data: {forget: {dataset: advbench, limit: 4}}
                methods: [{method: ga, label: GA, training: {steps: 2}}]
                training: {forget_batch: 2, max_length: 16}
                evaluation: {tasks: ["advbench:attacks=none,max_new_tokens=2"], limit: 2}
                """.formatted(TINY));
        System.setProperty("spark.master", "local[2]"); // what spark-submit --master sets
        System.setProperty("spark.ui.enabled", "false");
        try {
            SparkGridJob.main(new String[]{experiment.toString(), out.toString()});
        } finally {
            System.clearProperty("spark.master");
            System.clearProperty("spark.ui.enabled");
        }
        assertTrue(io.github.mubench.experiment.ExperimentResult.isComplete(out));
        assertThrows(IllegalArgumentException.class, () -> SparkGrid.run(experiment, out, new org.apache.spark.SparkConf().setMaster("local[1]")
                .set("spark.speculation", "true"), SparkGrid.DEFAULT, line -> { }), "speculation would run one cell twice at once");
        assertEquals(2, JSON.readTree(out.resolve("results.json").toFile()).get("rows").size(), "base and GA");
    }

    /** Every evaluation's last pass (the driver's) took all its answers from the store. */
    private static void assertNothingComputedByTheDriver(Path grid) throws IOException {
        List<Path> evals;
        try (var files = Files.walk(grid.resolve("tiny"))) {
            evals = files.filter(p -> p.getFileName().toString().equals("results.json")).toList();
        }
        assertEquals(5, evals.size(), "base + 4 runs");
        for (Path results : evals) {
            for (JsonNode task : JSON.readTree(results.toFile()).get("tasks")) {
                assertEquals(0, task.get("work").get("requests_computed").asInt(), "every answer came from the merged stores: " + results);
            }
        }
    }

    /** A report without what depends on the clock (unlearning wall time and memory). */
    private static JsonNode withoutTimes(JsonNode report) {
        for (JsonNode row : report.get("rows")) {
            ((ObjectNode) row).remove(List.of("seconds", "peak_rss_mib"));
        }
        return report;
    }
}
