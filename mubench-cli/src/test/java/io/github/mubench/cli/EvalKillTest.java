package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.store.ResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} during {@code mubench eval} (a real subprocess, SIGKILL once part of the answers are stored), then
 * the same command again: nothing stored is recomputed, and the final metrics equal those of an uninterrupted run.
 */
class EvalKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<String> command(Path out) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.github.mubench.cli.Main", "eval",
                "--task", "advbench:attacks=none+refusal_suppression,max_new_tokens=24", "--task", "mmlu:shots=1",
                "--limit", "12", "--batch-size", "2", "--out", out.toString(), "--json"));
        return cmd;
    }

    private static Process start(Path out, Path log) throws Exception {
        return new ProcessBuilder(command(out)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int stored(Path db, String kind) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (ResultStore s = ResultStore.open(db)) {
            return s.counts().getOrDefault(kind, 0);
        } catch (RuntimeException e) {
            return 0; // not yet created
        }
    }

    @Test
    void killedRunResumesWithoutRecomputingAndEndsWithTheSameNumbers() throws Exception {
        Path straight = dir.resolve("straight"), killed = dir.resolve("killed");
        Process p = start(straight, dir.resolve("straight.log"));
        assertEquals(0, p.waitFor(), () -> read(dir.resolve("straight.log")));
        JsonNode expected = JSON.readTree(straight.resolve("results.json").toFile());
        int requests = expected.get("tasks").get("advbench").get("work").get("requests").asInt();
        assertEquals(24, requests, "12 requests x 2 attacks");

        Process victim = start(killed, dir.resolve("killed.log"));
        Path db = killed.resolve("results.sqlite");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (stored(db, "generate") < 6 && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(victim.isAlive(), "the run should still be going when it is killed: " + read(dir.resolve("killed.log")));
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor();
        int before = stored(db, "generate");
        assertTrue(before >= 6 && before < requests, before + " of " + requests + " answers stored when killed");
        assertTrue(!Files.exists(killed.resolve("results.json")), "no results yet");

        Process again = start(killed, dir.resolve("again.log"));
        assertEquals(0, again.waitFor(), () -> read(dir.resolve("again.log")));
        JsonNode resumed = JSON.readTree(killed.resolve("results.json").toFile());
        JsonNode work = resumed.get("tasks").get("advbench").get("work");
        assertEquals(requests - before, work.get("requests_computed").asInt(), "only what was not stored is computed");
        for (String task : List.of("advbench", "mmlu")) {
            assertEquals(expected.get("tasks").get(task).get("metrics"), resumed.get("tasks").get(task).get("metrics"), task);
        }
        assertEquals(Files.readString(straight.resolve("samples.jsonl")).replace(straight.toString(), ""),
                Files.readString(killed.resolve("samples.jsonl")).replace(killed.toString(), ""), "every sample the same");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
