package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a real {@code mubench run} subprocess in the middle of an unlearning run, then the same command
 * again: the run resumes from its snapshot, the finished stages are reused, and the report equals that of an
 * uninterrupted run (every number; only wall times differ).
 */
class RunKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TINY = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Process start(Path experiment, Path out, Path log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "io.github.mubench.cli.Main", "run", experiment.toString(), "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The folder of the NPO run once it holds a snapshot. */
    private static Optional<Path> snapshotted(Path out) throws IOException {
        Path model = out.resolve("tiny");
        if (!Files.isDirectory(model)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(model)) {
            return runs.filter(p -> p.getFileName().toString().startsWith("NPO") && Files.exists(p.resolve("checkpoint"))).findFirst();
        }
    }

    @Test
    void killedRunResumesAndEndsWithTheSameReport() throws Exception {
        Path experiment = dir.resolve("experiment.yaml");
        Files.writeString(experiment, """
                models: [{name: tiny, path: %s}]
                data: {forget: {dataset: advbench, limit: 6}, retain: {dataset: gsm8k, split: train, limit: 6}}
                methods:
                  - {method: ga, label: GA, training: {steps: 3}}
                  - {method: npo, label: NPO, training: {steps: 40}}
                training: {forget_batch: 2, retain_batch: 2, max_length: 24}
                evaluation:
                  tasks: ["advbench:attacks=none,max_new_tokens=4", "xstest:max_new_tokens=4"]
                  limit: 4
                """.formatted(TINY));
        Path straight = dir.resolve("straight"), killed = dir.resolve("killed");
        Process p = start(experiment, straight, dir.resolve("straight.log"));
        assertEquals(0, p.waitFor(), () -> read(dir.resolve("straight.log")));

        Process victim = start(experiment, killed, dir.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (snapshotted(killed).isEmpty() && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(victim.isAlive(), "the run should still be going when it is killed: " + read(dir.resolve("killed.log")));
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor();
        Path npo = snapshotted(killed).orElseThrow();
        assertFalse(Files.exists(killed.resolve("report.md")), "no report yet");
        assertFalse(io.github.mubench.experiment.ExperimentResult.isComplete(killed), "the index says the experiment has not finished");
        long stepsBefore = Files.readAllLines(npo.resolve("metrics.jsonl")).size();
        assertTrue(stepsBefore < 40, stepsBefore + " of 40 steps done when killed");

        Process again = start(experiment, killed, dir.resolve("again.log"));
        assertEquals(0, again.waitFor(), () -> read(dir.resolve("again.log")));
        String log = read(dir.resolve("again.log"));
        assertTrue(log.contains("GA seed 0: reusing") && log.contains("NPO seed 0: resuming"), log);
        assertTrue(io.github.mubench.experiment.ExperimentResult.isComplete(killed));
        assertEquals(withoutTimes(JSON.readTree(straight.resolve("results.json").toFile())),
                withoutTimes(JSON.readTree(killed.resolve("results.json").toFile())), "the same report");
        Path straightNpo = straight.resolve("tiny").resolve(npo.getFileName());
        assertEquals(losses(straightNpo), losses(npo), "the resumed run's every step equals the uninterrupted run's");

        Path combined = dir.resolve("combined");
        assertEquals(0, Main.run("report", "--runs", straight.toString(), killed.toString(), "--out", combined.toString()));
        JsonNode both = JSON.readTree(combined.resolve("results.json").toFile());
        assertEquals(2 * 3, both.get("rows").size(), "base, GA and NPO of each experiment");
        String md = Files.readString(combined.resolve("report.md"));
        assertTrue(md.contains("| straight / tiny | NPO |") && md.contains("| killed / tiny | NPO |"), md);
    }

    /** A report without what depends on the clock (unlearning wall time and memory). */
    private static JsonNode withoutTimes(JsonNode report) {
        for (JsonNode row : report.get("rows")) {
            ((ObjectNode) row).remove(List.of("seconds", "peak_rss_mib"));
        }
        return report;
    }

    private static List<String> losses(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll("\"seconds\":[^,}]*", "")).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
