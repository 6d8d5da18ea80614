package io.github.mubench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end, in-process, on the bundled model. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generateStreamsTheBundledModelsGreedyStory() {
        assertEquals(0, Main.run("generate", "--prompt", "Once upon a time", "--max-new-tokens", "20"));
        assertTrue(stdout().startsWith("Once upon a time, there was a little girl named Lily."), stdout());
    }

    @Test
    void generateJsonIsMachineReadable() throws Exception {
        assertEquals(0, Main.run("generate", "--prompt", "Lily", "--max-new-tokens", "5", "--json"));
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout());
        assertEquals(5, node.get("tokens").size());
        assertEquals("length", node.get("finish").asText());
    }

    @Test
    void scoreGivesLogprobsAndGreediness() throws Exception {
        assertEquals(0, Main.run("score", "--context", "Once upon a time", "--continuation", ", there was", "--json"));
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout());
        assertTrue(node.get("is_greedy").asBoolean());
        assertTrue(node.get("logprob").asDouble() < 0);
    }

    @Test
    void badModelPathIsAClearErrorWithExitCode2() {
        assertEquals(2, Main.run("generate", "--model", dir.resolve("missing").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist; expected an HF folder"), err.toString());
    }

    @Test
    void convertLlama2cThenGenerateFromTheHfFolderByIds() throws Exception {
        Path bin = dir.resolve("stories260K.bin");
        try (var in = CliTest.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/stories260K.bin")) {
            Files.copy(in, bin);
        }
        Path hf = dir.resolve("hf");
        assertEquals(0, Main.run("convert", "--from", "llama2c", "--input", bin.toString(), "--out", hf.toString()), err::toString);
        assertTrue(Files.exists(hf.resolve("config.json")) && Files.exists(hf.resolve("model.safetensors")));
        out.reset();
        assertEquals(0, Main.run("generate", "--model", hf.toString(), "--prompt-ids", "1", "--max-new-tokens", "4", "--json"), err::toString);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout());
        assertEquals("[403,407,261,378]", node.get("tokens").toString().replace(" ", ""));
    }
}
