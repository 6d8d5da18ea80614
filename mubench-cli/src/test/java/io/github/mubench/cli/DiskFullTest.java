package io.github.mubench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mubench unlearn} writing into a full disk (a 600 KB tmpfs; the bundled model alone is 1 MB): a one-line
 * error that names the file and the cause, exit 1, and a folder that does not look finished. Needs root to mount the
 * tmpfs; skipped elsewhere.
 */
class DiskFullTest {
    @TempDir
    Path dir;
    private Path mount;

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFullDiskIsAClearErrorAndNoFinishedLookingFolder() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        boolean mounted;
        try {
            mounted = run("mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", small.toString()) == 0;
        } catch (java.io.IOException e) {
            mounted = false;
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root)");
        mount = small;
        Path forget = dir.resolve("forget.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time.\"}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("unlearn", "--method", "ga", "--forget", forget.toString(), "--steps", "2", "--forget-batch", "1",
                    "--out", small.resolve("run").toString());
        } finally {
            System.setErr(old);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, message);
        assertTrue(message.contains("No space left on device") && message.contains(small.toString()), message);
        assertEquals(1, message.lines().filter(l -> l.startsWith("mubench:")).count(), "one line: " + message);
        Path manifest = small.resolve("run/manifest.json");
        assertFalse(Files.exists(manifest) && Files.readString(manifest).contains("\"done\""), "the run does not claim to be done");
    }
}
