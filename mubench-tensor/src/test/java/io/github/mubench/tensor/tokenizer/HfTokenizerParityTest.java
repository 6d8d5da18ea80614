package io.github.mubench.tensor.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our tokenizer against HF tokenizers (the Rust library, through DJL) on the whole corpus: ids identical for every
 * text, with and without special tokens, and decoding identical too.
 */
class HfTokenizerParityTest {
    @TempDir
    static Path dir;
    static List<String> corpus;

    @BeforeAll
    static void readCorpus() throws IOException {
        corpus = TokenizerCorpus.all();
        assertTrue(corpus.size() > 14_000, "corpus of " + corpus.size());
    }

    @Test
    void phi3SentencePieceBpe() throws IOException {
        assertParity(TokenizerFiles.phi3());
    }

    @Test
    void gpt2ByteLevelBpe() throws IOException {
        assertParity(TokenizerFiles.gpt2(dir));
    }

    private static void assertParity(Path tokenizerJson) throws IOException {
        HfTokenizer ours = HfTokenizer.load(tokenizerJson);
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false", "modelMaxLength", "1000000"))) {
            for (String text : corpus) {
                for (boolean special : new boolean[]{true, false}) {
                    Encoding e = ref.encode(text, special, false);
                    int[] expected = Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).toArray();
                    int[] actual = ours.encode(text, special);
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add((special ? "[special] " : "") + text.replace("\n", "\\n") + "\n  hf:   "
                                + Arrays.toString(expected) + "\n  ours: " + Arrays.toString(actual));
                        continue;
                    }
                    String expectedText = ref.decode(e.getIds(), true);
                    String actualText = ours.decode(actual, true);
                    if (!expectedText.equals(actualText)) {
                        mismatches.add("decode of " + text.replace("\n", "\\n") + "\n  hf:   " + expectedText + "\n  ours: " + actualText);
                    }
                }
            }
        }
        assertEquals(0, mismatches.size(), mismatches.size() + " mismatches of " + 2 * corpus.size() + ", first:\n"
                + String.join("\n", mismatches.subList(0, Math.min(8, mismatches.size()))));
    }
}
