package io.github.mubench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a real {@code mubench attack} subprocess (GCG, a white-box search of seconds per prompt) once
 * its first attacked prompt is written, then the same command: the written prompt is kept, only the others are
 * searched, and the file equals an uninterrupted run's (but for wall times).
 */
class AttackKillTest {
    @TempDir
    Path dir;

    private static Process start(Path out, Path log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "io.github.mubench.cli.Main", "attack", "--attack", "gcg",
                "--param", "preset=cpu", "--param", "steps=8", "--dataset", "advbench", "--limit", "3", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> lines(Path f) throws IOException {
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    @Test
    void killedAttackKeepsWhatItWroteAndEndsTheSame() throws Exception {
        Path straight = dir.resolve("straight.jsonl"), killed = dir.resolve("killed.jsonl");
        assertEquals(0, start(straight, dir.resolve("straight.log")).waitFor(), () -> read(dir.resolve("straight.log")));

        Process victim = start(killed, dir.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (lines(killed).isEmpty() && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(victim.isAlive(), "still searching when killed: " + read(dir.resolve("killed.log")));
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor();
        int kept = lines(killed).size();
        assertTrue(kept >= 1 && kept < 3, kept + " of 3 written when killed");

        assertEquals(0, start(killed, dir.resolve("again.log")).waitFor(), () -> read(dir.resolve("again.log")));
        assertTrue(read(dir.resolve("again.log")).contains((3 - kept) + " attacked prompts written, " + kept + " already there"),
                read(dir.resolve("again.log")));
        assertEquals(withoutTimes(lines(straight)), withoutTimes(lines(killed)), "the same prompts, suffixes and losses");
    }

    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("\"seconds\":[^,}]*", "")).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
