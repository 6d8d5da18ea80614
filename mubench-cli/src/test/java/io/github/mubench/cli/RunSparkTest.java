package io.github.mubench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.experiment.ExperimentResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mubench run FILE --spark --master local[2]}: the grid through the CLI, its report complete. */
class RunSparkTest {
    private static final Path TINY = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theCliRunsTheGridOnSpark() throws Exception {
        Path experiment = dir.resolve("grid.yaml"), out = dir.resolve("out");
        Files.writeString(experiment, """
                models: [{name: tiny, path: %s}]
                data: {forget: {dataset: advbench, limit: 4}}
                methods: [{method: ga, label: GA, training: {steps: 2}}]
                training: {forget_batch: 2, max_length: 16}
                evaluation: {tasks: ["advbench:attacks=none,max_new_tokens=2"], limit: 2}
                seeds: [0, 1]
                """.formatted(TINY));
        assertEquals(0, Main.run("run", experiment.toString(), "--out", out.toString(), "--spark", "--master", "local[2]",
                "--spark-conf", "spark.ui.enabled=false"));
        assertTrue(ExperimentResult.isComplete(out));
        assertEquals(2, new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("rows").size(), "base and GA (two seeds pooled)");
        assertEquals(2, Main.run("run", experiment.toString(), "--spark", "--spark-conf", "no-equals-sign"), "a bad setting is bad input");
        assertEquals(2, Main.run("run", dir.resolve("missing.yaml").toString(), "--spark"), "a missing file is bad input");
        assertEquals(2, Main.run("run", experiment.toString(), "--master", "local[2]"), "Spark settings without --spark");
        assertEquals(2, Main.run("run", experiment.toString(), "--out", dir.resolve("bad").toString(), "--spark", "--master", "nonsense://x"),
                "a master Spark cannot parse is bad input");
    }
}
