package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** tok512 written as an HF tokenizer.json encodes and decodes exactly as llama2.c's own algorithm. */
class Llama2cTokenizerJsonTest {
    @TempDir
    Path dir;

    @Test
    void hfTokenizerJsonOfTok512MatchesLlama2cOnTheCorpus() throws IOException {
        Llama2cTokenizer tok = (Llama2cTokenizer) Models.stories260K().tokenizer();
        Path json = dir.resolve("tokenizer.json");
        new ObjectMapper().writeValue(json.toFile(), tok.toHfTokenizerJson());
        HfTokenizer hf = HfTokenizer.load(json);
        // llama2.c's quadratic merge loop makes MMLU slow, so: edge cases, XSTest and AdvBench. Texts holding "<s>"
        // or "</s>" are left out on purpose: HF splits special tokens out of text, llama2.c spells them.
        List<String> corpus = new ArrayList<>(TokenizerCorpus.safetyPrompts());
        corpus.add("Once upon a time, there was a little girl named Lily.");
        corpus.removeIf(t -> t.contains("<s>") || t.contains("</s>"));
        List<String> mismatches = new ArrayList<>();
        for (String text : corpus) {
            int[] expected = tok.encode(text, true), actual = hf.encode(text, true);
            if (!Arrays.equals(expected, actual)) {
                mismatches.add(text + "\n  llama2.c: " + Arrays.toString(expected) + "\n  hf:       " + Arrays.toString(actual));
            } else if (!tok.decode(expected, true).equals(hf.decode(actual, true))) {
                mismatches.add("decode of " + text + ": '" + tok.decode(expected, true) + "' vs '" + hf.decode(actual, true) + "'");
            }
        }
        assertEquals(0, mismatches.size(), mismatches.size() + " of " + corpus.size() + ", first:\n"
                + String.join("\n", mismatches.subList(0, Math.min(5, mismatches.size()))));
    }
}
