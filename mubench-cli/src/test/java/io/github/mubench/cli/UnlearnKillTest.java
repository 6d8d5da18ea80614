package io.github.mubench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a real {@code mubench unlearn} subprocess at two points (after its first snapshot, and later),
 * each followed by the same command with {@code --resume}: the model ends bit for bit the uninterrupted run's, and so
 * does every logged loss.
 */
class UnlearnKillTest {
    @TempDir
    Path dir;

    private Process start(Path out, boolean resume, Path log) throws IOException {
        Path forget = dir.resolve("forget.jsonl");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "io.github.mubench.cli.Main", "unlearn", "--method", "npo",
                "--forget", forget.toString(), "--steps", "40", "--checkpoint-every", "5", "--forget-batch", "2", "--lr", "1e-3",
                "--out", out.toString()));
        if (resume) {
            cmd.add("--resume");
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int stepsLogged(Path out) throws IOException {
        Path m = out.resolve("metrics.jsonl");
        return Files.exists(m) ? (int) Files.readAllLines(m).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    private void killAfter(Path out, int steps, String name) throws Exception {
        Process p = start(out, Files.exists(out.resolve("manifest.json")), dir.resolve(name + ".log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (stepsLogged(out) < steps && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "still training when killed: " + Files.readString(dir.resolve(name + ".log")));
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
    }

    @Test
    void killedTwiceAndResumedEndsBitIdentical() throws Exception {
        Files.writeString(dir.resolve("forget.jsonl"), "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time, there was a girl.\"}\n"
                + "{\"prompt\": \"Go on.\", \"response\": \"She loved to play outside with her dog.\"}\n"
                + "{\"prompt\": \"And then?\", \"response\": \"They went to the park and saw a big tree.\"}\n");
        Path straight = dir.resolve("straight"), killed = dir.resolve("killed");
        assertEquals(0, start(straight, false, dir.resolve("straight.log")).waitFor(), () -> read(dir.resolve("straight.log")));

        killAfter(killed, 7, "first");
        killAfter(killed, 23, "second");
        int before = stepsLogged(killed);
        assertTrue(before >= 23 && before < 40, before + " steps logged before the last resume");
        assertEquals(0, start(killed, true, dir.resolve("last.log")).waitFor(), () -> read(dir.resolve("last.log")));

        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")),
                "the same weights, bit for bit");
        assertEquals(losses(straight), losses(killed), "every step's logged values");
    }

    private static List<String> losses(Path run) throws IOException {
        return Arrays.stream(Files.readString(run.resolve("metrics.jsonl")).split("\n")).filter(l -> !l.isBlank())
                .map(l -> l.replaceAll("\"seconds\":[^,}]*", "")).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
