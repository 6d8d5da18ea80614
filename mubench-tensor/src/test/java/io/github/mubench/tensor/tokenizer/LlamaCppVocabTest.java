package io.github.mubench.tensor.tokenizer;

import io.github.mubench.tensor.io.FormatException;
import io.github.mubench.tensor.checkpoint.GgufFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama.cpp's own tokenizer test vectors ({@code .inp} texts, {@code .out} ids without BOS) on its vocab GGUFs. */
class LlamaCppVocabTest {
    private static final Path DIR = TokenizerCorpus.DATA.resolve("llamacpp_vocab");

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3", "gpt-2"})
    void passesEveryTestVector(String vocab) throws IOException {
        HfTokenizer tok = GgufVocab.tokenizer(GgufFile.read(DIR.resolve("ggml-vocab-" + vocab + ".gguf")));
        String inp = Files.readString(DIR.resolve("ggml-vocab-" + vocab + ".gguf.inp"), StandardCharsets.UTF_8);
        List<String> texts = Arrays.asList(inp.split("\n__ggml_vocab_test__\n", -1));
        List<String> outs = Files.readAllLines(DIR.resolve("ggml-vocab-" + vocab + ".gguf.out"), StandardCharsets.UTF_8);
        assertTrue(texts.size() >= outs.size() && outs.size() > 30, texts.size() + " texts, " + outs.size() + " outputs");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            String want = outs.get(i).trim();
            String got = String.join(" ", Arrays.stream(tok.encode(texts.get(i), false)).mapToObj(String::valueOf).toList());
            if (!want.equals(got)) {
                failures.add("#" + i + " " + texts.get(i).replace("\n", "\\n") + "\n  llama.cpp: " + want + "\n  ours:      " + got);
            }
        }
        assertEquals(0, failures.size(), failures.size() + " of " + outs.size() + " fail:\n" + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }

    @ParameterizedTest
    @CsvSource({"bert-bge, tokenizer.ggml.model", "deepseek-coder, tokenizer.ggml.pre", "falcon, tokenizer.ggml.pre"})
    void unsupportedVocabulariesAreRefusedByName(String vocab, String field) {
        FormatException e = assertThrows(FormatException.class,
                () -> GgufVocab.tokenizer(GgufFile.read(DIR.resolve("ggml-vocab-" + vocab + ".gguf"))));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }
}
