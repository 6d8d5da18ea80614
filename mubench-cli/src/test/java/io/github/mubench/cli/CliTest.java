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
import java.util.List;

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
    void everyTrainingNumberIsCheckedBeforeAnythingIsWritten() throws Exception {
        Path forget = dir.resolve("forget.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time.\"}\n");
        String[][] cases = {{"--lr", "NaN", "lr must be a finite number > 0"}, {"--lr", "Infinity", "lr must be a finite number > 0"},
                {"--warmup-steps", "-5", "warmup_steps must be >= 0"}, {"--weight-decay", "-10", "weight_decay must be a finite number >= 0"},
                {"--lora-rank", "-1", "lora_rank must be >= 0"}, {"--epochs", "NaN", "epochs must be a finite number >= 0"}};
        for (String[] c : cases) {
            err.reset();
            Path out = dir.resolve("never");
            assertEquals(2, Main.run("unlearn", "--method", "ga", "--forget", forget.toString(), "--out", out.toString(), c[0], c[1]), c[0]);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(c[2]), err.toString(StandardCharsets.UTF_8));
            assertTrue(!Files.exists(out), "nothing written for " + c[0] + " " + c[1]);
        }
    }

    @Test
    void anUnexpectedFailureIsOneLineWithItsCauses() {
        assertEquals("UncheckedIOException: out/model.safetensors: No space left on device",
                Main.describe(new java.io.UncheckedIOException("out/model.safetensors: No space left on device",
                        new java.io.IOException("No space left on device"))));
        assertEquals("IllegalStateException: step 3; caused by ArithmeticException: / by zero",
                Main.describe(new IllegalStateException("step 3", new ArithmeticException("/ by zero"))));
        assertEquals("/tmp/a-file/sub: Not a directory", Main.describe(new java.io.UncheckedIOException("/tmp/a-file/sub: /tmp/a-file/sub: Not a directory",
                new java.nio.file.FileSystemException("/tmp/a-file/sub", null, "Not a directory"))));
        assertEquals("/tmp/x: access denied", Main.describe(new java.io.UncheckedIOException("x", new java.nio.file.AccessDeniedException("/tmp/x"))));
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
    void convertChecksTheTokenizerBeforeWritingAndAnEmptyOutIsRefused() throws Exception {
        Path bin = dir.resolve("stories260K.bin"), badTok = dir.resolve("bad-tok.bin");
        try (var in = CliTest.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/stories260K.bin")) {
            Files.copy(in, bin);
        }
        Files.write(badTok, new byte[]{1, 2, 3});
        Path hf = dir.resolve("hf");
        assertEquals(2, Main.run("convert", "--from", "llama2c", "--input", bin.toString(), "--tokenizer", badTok.toString(),
                "--out", hf.toString()));
        assertTrue(!Files.exists(hf.resolve("config.json")) && !Files.exists(hf.resolve("model.safetensors")),
                "no loadable half-folder after a bad tokenizer");
        err.reset();
        assertEquals(2, Main.run("convert", "--from", "llama2c", "--input", bin.toString(), "--out", ""));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("an empty path"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void convertWithTokenizerGivesAnHfFolderThatGeneratesTheSameStoryFromText() throws Exception {
        Path bin = dir.resolve("stories260K.bin"), tok = dir.resolve("tok512.bin");
        for (Path p : new Path[]{bin, tok}) {
            try (var in = CliTest.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/" + p.getFileName())) {
                Files.copy(in, p);
            }
        }
        Path hf = dir.resolve("hf");
        assertEquals(0, Main.run("convert", "--from", "llama2c", "--input", bin.toString(), "--tokenizer", tok.toString(),
                "--out", hf.toString()), err::toString);
        assertTrue(Files.exists(hf.resolve("tokenizer.json")) && Files.exists(hf.resolve("tokenizer_config.json")));
        try (var entries = Files.list(dir)) {
            assertEquals(List.of(), entries.filter(p -> p.getFileName().toString().contains(".partial-")).toList(),
                    "the folder was built under a hidden name and renamed: nothing of it is left beside");
        }
        err.reset();
        assertEquals(2, Main.run("convert", "--from", "llama2c", "--input", bin.toString(), "--out", hf.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("already exists"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(hf.resolve("tokenizer.json")), "a refused convert leaves the folder as it was");
        out.reset();
        assertEquals(0, Main.run("generate", "--model", hf.toString(), "--prompt", "Once upon a time", "--max-new-tokens", "20"), err::toString);
        assertTrue(stdout().startsWith("Once upon a time, there was a little girl named Lily."), stdout());
        out.reset();
        assertEquals(0, Main.run("tokenize", "--model", hf.toString(), "--text", "Once upon a time", "--json"), err::toString);
        int[] expected = io.github.mubench.tensor.Models.stories260K().tokenizer().encode("Once upon a time", true);
        assertEquals(java.util.Arrays.toString(expected).replace(" ", ""),
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout()).get("ids").toString());
    }

    @Test
    void convertGgufWritesItsTokenizerAndTheFolderTokenizesLikeTheGguf() throws Exception {
        Path gguf = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf");
        Path hf = dir.resolve("hf");
        assertEquals(0, Main.run("convert", "--from", "gguf", "--input", gguf.toString(), "--out", hf.toString()), err::toString);
        var fromGguf = io.github.mubench.tensor.Models.load(gguf, null).tokenizer();
        var fromFolder = io.github.mubench.tensor.Models.load(hf, null).tokenizer();
        String text = "Hello world, this is a test of the Llama-2 vocabulary: 你好 🙂";
        assertEquals(java.util.Arrays.toString(fromGguf.encode(text, true)), java.util.Arrays.toString(fromFolder.encode(text, true)));
        assertEquals(1, fromFolder.encode(text, true)[0], "BOS first");
        assertEquals(text, fromFolder.decode(fromFolder.encode(text, true), true));
    }

    @Test
    void unlearnWritesAModelThatLoadsWithItsTokenizer() throws Exception {
        Path forget = dir.resolve("forget.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time, there was a little girl named Lily.\"}\n");
        Path out = dir.resolve("unlearned");
        assertEquals(0, Main.run("unlearn", "--method", "npo", "--param", "beta=0.2", "--forget", forget.toString(),
                "--lr", "1e-3", "--steps", "2", "--forget-batch", "1", "--out", out.toString()), err::toString);
        assertTrue(Files.exists(out.resolve("metrics.jsonl")) && Files.exists(out.resolve("tokenizer.json")));
        this.out.reset();
        assertEquals(0, Main.run("generate", "--model", out.toString(), "--prompt", "Once", "--max-new-tokens", "3"), err::toString);
        assertTrue(stdout().startsWith("Once"), stdout());
        assertEquals(2, Main.run("unlearn", "--method", "npo", "--param", "gamma=1", "--forget", forget.toString(), "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no parameter 'gamma'; it takes beta, retain_nll, retain_kl"), err.toString());
        assertEquals(2, Main.run("unlearn", "--method", "npo", "--forget", forget.toString(), "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("already holds a run"), err.toString());
        assertEquals(2, Main.run("unlearn", "--method", "graddiff", "--forget", forget.toString(), "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("needs a retain set"), err.toString());
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "someone's notes");
        err.reset();
        assertEquals(2, Main.run("unlearn", "--method", "npo", "--forget", forget.toString(), "--steps", "1", "--out", other.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("holds other files and no run"), err.toString());
        try (var entries = Files.list(other)) {
            assertEquals(1, entries.count(), "nothing written beside them");
        }
    }

    @Test
    void eraserWithAFixedRefusalAccumulatesAndWritesItsRefusals() throws Exception {
        Path forget = dir.resolve("forget.jsonl"), retain = dir.resolve("retain.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time, there was a little girl named Lily.\"}\n");
        Files.writeString(retain, "{\"prompt\": \"And then?\", \"response\": \"The sun was shining.\"}\n");
        Path out = dir.resolve("eraser");
        assertEquals(0, Main.run("unlearn", "--method", "eraser", "--param", "threshold=3", "--forget", forget.toString(),
                "--retain", retain.toString(), "--refusal-text", "I will not.", "--epochs", "2", "--grad-accum", "2",
                "--forget-batch", "1", "--retain-batch", "1", "--lora-rank", "2", "--lora-dropout", "0.1",
                "--lr", "1e-3", "--out", out.toString()), err::toString);
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "2 epochs of 1 example, 2 micro-batches a step");
        assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"refusal_kl\""));
        assertTrue(Files.readString(out.resolve("refusals.jsonl")).contains("\"refusal\":\"I will not.\""));
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once.\", \"refusal\": 3}\n");
        assertEquals(2, Main.run("unlearn", "--method", "eraser", "--forget", forget.toString(), "--retain", retain.toString(),
                "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 1"), err.toString());
    }

    @Test
    void attackWritesJsonlAndResumesAnUnfinishedFile() throws Exception {
        Path out = dir.resolve("caesar.jsonl");
        assertEquals(0, Main.run("attack", "--attack", "caesar", "--dataset", "advbench", "--limit", "3", "--out", out.toString()), err::toString);
        var lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        var row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertEquals("caesar", row.get("attack").asText());
        assertEquals("caesar", row.get("decoding").asText());
        assertTrue(row.get("system").asText().contains("Caesar"));
        Files.writeString(out, lines.get(0) + "\n" + lines.get(1).substring(0, 20)); // a run cut mid-line
        assertEquals(0, Main.run("attack", "--attack", "caesar", "--dataset", "advbench", "--limit", "3", "--out", out.toString()), err::toString);
        java.util.function.Function<List<String>, List<String>> prompts = ls -> ls.stream().map(l -> {
            try {
                var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(l);
                return n.get("item_id").asText() + " " + n.get("prompt").asText();
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        }).toList();
        assertEquals(prompts.apply(lines), prompts.apply(Files.readAllLines(out)), "the cut line is redone, nothing else");

        Path gcg = dir.resolve("gcg.jsonl");
        assertEquals(0, Main.run("attack", "--attack", "gcg", "--param", "preset=cpu", "--param", "steps=2", "--param", "candidates=8",
                "--dataset", "advbench", "--limit", "1", "--out", gcg.toString()), err::toString);
        var g = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllLines(gcg).get(0));
        assertEquals(2, g.get("parameters").get("steps").asInt());
        assertTrue(g.get("prompt").asText().startsWith(g.get("request").asText() + " "));

        assertEquals(2, Main.run("attack", "--attack", "caesar", "--dataset", "mmlu", "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("holds MultipleChoice items"), err.toString());
        this.out.reset();
        assertEquals(0, Main.run("attack", "--list"));
        assertTrue(stdout().contains("autodan") && stdout().contains("[presets: cpu]"), stdout());
        assertTrue(stdout().contains("suffix_length    integer, default 20: adversarial suffix tokens"), stdout());
    }

    /** A resumed output must come from the same run: another attack into the same file is refused, not mixed in. */
    @Test
    void attackRefusesToResumeAFileOfAnotherRunAndWritesToStdout() throws Exception {
        Path out = dir.resolve("rs.jsonl");
        assertEquals(0, Main.run("attack", "--attack", "refusal_suppression", "--dataset", "advbench", "--limit", "3",
                "--out", out.toString()), err::toString);
        String before = Files.readString(out);
        assertEquals(2, Main.run("attack", "--attack", "base64", "--dataset", "advbench", "--limit", "3", "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 1 was written by another run (attack: \"refusal_suppression\" there, \"base64\" now)"),
                err.toString());
        assertEquals(2, Main.run("attack", "--attack", "refusal_suppression", "--dataset", "advbench", "--limit", "3",
                "--seed", "1", "--out", out.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("(settings: "), err.toString());
        assertEquals(before, Files.readString(out), "the file is left as it was");
        this.out.reset();
        assertEquals(0, Main.run("attack", "--attack", "base64", "--dataset", "advbench", "--limit", "2", "--out", "-"), err::toString);
        assertEquals(2, stdout().lines().count(), stdout());
        assertTrue(!Files.exists(Path.of("-")), "no file named '-'");
    }

    /** The first logged NPO loss is the closed form (2/β)·ln 2: the model is its own reference at step 1. */
    @Test
    void npoFirstStepLossIsTwoOverBetaLn2ThroughTheCli() throws Exception {
        Path forget = dir.resolve("forget.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time, there was a girl.\"}\n"
                + "{\"prompt\": \"Go on.\", \"response\": \"She loved to play outside.\"}\n");
        for (String beta : List.of("0.1", "1")) {
            Path out = dir.resolve("npo" + beta);
            assertEquals(0, Main.run("unlearn", "--method", "npo", "--param", "beta=" + beta, "--forget", forget.toString(),
                    "--steps", "1", "--out", out.toString()), err::toString);
            var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
            double expected = 2 / Double.parseDouble(beta) * Math.log(2);
            assertEquals(expected, first.get("loss").asDouble(), 1e-4 * expected, "loss, β = " + beta);
            assertEquals(expected, first.get("terms").get("npo").asDouble(), 1e-4 * expected);
            assertEquals(1, first.get("step").asInt(), "steps count from 1, as on stderr");
            assertTrue(first.get("retain_nll").isNull(), "no retain rows: null, not \"NaN\"");
        }
    }

    @Test
    void aMistypedOptionIsNamedWithSuggestionsAndAMissingFileSaysSo() throws Exception {
        assertEquals(2, Main.run("unlearn", "--methd", "npo"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("Unknown options: '--methd', 'npo'") && e.contains("Possible solutions: --method"), e);
        assertTrue(e.lines().count() < 10, "no full usage text:\n" + e);
        err.reset();
        assertEquals(2, Main.run("unlearn", "--method", "ga", "--forget", dir.resolve("nope.jsonl").toString(), "--out",
                dir.resolve("o").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope.jsonl: does not exist"), err.toString());
    }

    @Test
    void tokenizeWithATokenizerFileAlone() throws Exception {
        assertEquals(0, Main.run("tokenize", "--tokenizer", "../data/phi3_tokenizer/tokenizer.json", "--text", "Hello world", "--json", "--verbose"), err::toString);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout());
        assertEquals("[1,15043,3186]", node.get("ids").toString());
        assertEquals("Hello", node.get("pieces").get(1).asText());
    }

    @Test
    void chatTemplateRendersAMessagesFile() throws Exception {
        Path hf = dir.resolve("hf");
        Files.createDirectories(hf);
        Path messages = dir.resolve("messages.json");
        Files.writeString(messages, "[{\"role\": \"user\", \"content\": \"Hi\"}]");
        // The bundled model has no template: the documented plain fallback applies.
        assertEquals(0, Main.run("chat-template", "--messages", messages.toString(), "--add-generation-prompt"), err::toString);
        assertEquals("Hi", stdout());
        Files.writeString(messages, "[{\"role\": \"user\"}]");
        assertEquals(2, Main.run("chat-template", "--messages", messages.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("messages[0]"), err.toString());
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

    /** eval → unlearn → eval → compare, and judge on rows, through the CLI on the bundled model. */
    @Test
    void evalCompareAndJudgeThroughTheCli() throws Exception {
        Path forget = dir.resolve("forget.jsonl");
        Files.writeString(forget, "{\"prompt\": \"Tell me a story.\", \"response\": \"Once upon a time, there was a girl.\"}\n");
        assertEquals(0, Main.run("unlearn", "--method", "ga", "--forget", forget.toString(), "--steps", "2", "--lr", "3e-3",
                "--out", dir.resolve("ga").toString()), err::toString);
        for (String[] run : new String[][]{{"base", null}, {"after", dir.resolve("ga").toString()}}) {
            List<String> args = new java.util.ArrayList<>(List.of("eval", "--task", "advbench:max_new_tokens=8", "--task", "mmlu:shots=0",
                    "--limit", "4", "--out", dir.resolve(run[0]).toString()));
            if (run[1] != null) {
                args.addAll(List.of("--model", run[1]));
            }
            out.reset();
            assertEquals(0, Main.run(args.toArray(String[]::new)), err::toString);
            assertTrue(stdout().contains("advbench") && stdout().contains("asr/keyword") && stdout().contains("mmlu"), stdout());
            var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(run[0]).resolve("results.json").toFile());
            assertEquals(4, results.get("tasks").get("mmlu").get("metrics").get("acc").get("n").asInt());
        }
        out.reset();
        assertEquals(0, Main.run("compare", "--base", dir.resolve("base").toString(), "--other", dir.resolve("after").toString(), "--json"),
                err::toString);
        var rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout());
        assertTrue(rows.toString().contains("\"value\":\"acc\"") && rows.toString().contains("mcnemar_exact"), stdout());
        assertEquals(0, Main.run("eval", "--task", "mmlu:shots=1", "--limit", "4", "--out", dir.resolve("one-shot").toString()), err::toString);
        assertEquals(2, Main.run("compare", "--base", dir.resolve("base").toString(), "--other", dir.resolve("one-shot").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("task 'mmlu' ran with other settings"), err.toString());

        Path rowsFile = dir.resolve("rows.jsonl"), judged = dir.resolve("judged.jsonl");
        Files.writeString(rowsFile, "{\"prompt\": \"q\", \"response\": \"I'm sorry, no.\"}\n{\"prompt\": \"q\", \"response\": \"Sure.\"}\n");
        assertEquals(0, Main.run("judge", "--judge", "keyword", "--input", rowsFile.toString(), "--out", judged.toString()), err::toString);
        var lines = Files.readAllLines(judged);
        assertTrue(lines.get(0).contains("\"label\":\"refusal\"") && lines.get(1).contains("\"label\":\"compliance\""), lines.toString());
        assertEquals(0, Main.run("judge", "--judge", "keyword", "--input", rowsFile.toString(), "--out", judged.toString()), err::toString);
        assertEquals(lines, Files.readAllLines(judged), "a finished file is left as it is");
        assertEquals(2, Main.run("judge", "--judge", "xstest_strmatch", "--input", rowsFile.toString(), "--out", judged.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 1 was written by another judge"), err.toString());
        assertEquals(2, Main.run("judge", "--judge", "harmbench", "--input", rowsFile.toString(), "--out", judged.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("runs on a judge model: give it as --judge harmbench=MODEL_PATH"), err.toString());
    }
}
