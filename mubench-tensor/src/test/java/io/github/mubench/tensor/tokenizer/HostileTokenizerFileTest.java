package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile tokenizer files: a Split regex that backtracks catastrophically is an error naming the file and field, not a hang;
 * an honest pattern splits as before. (The timeout only guards the build against a regression to hanging; it asserts
 * no speed.)
 */
class HostileTokenizerFileTest {
    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private static final TokenizerJson.Context CTX = new TokenizerJson.Context(Path.of("tokenizer.json"), "pre_tokenizer");

    private static PreTokenizer split(String regex) throws Exception {
        return PreTokenizer.of(new ObjectMapper().readTree("{\"type\": \"Split\", \"pattern\": {\"Regex\": " +
                new ObjectMapper().writeValueAsString(regex) + "}, \"behavior\": \"Isolated\", \"invert\": false}"), CTX);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void catastrophicBacktrackingIsAnErrorNamingTheField() throws Exception {
        PreTokenizer p = split("(a+)+\\1b");
        FormatException e = assertThrows(FormatException.class, () -> p.split(List.of("a".repeat(40)), true));
        assertEquals("pre_tokenizer.pattern", e.field());
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("catastrophic backtracking"), e.getMessage());
    }

    @Test
    void anHonestPatternSplitsAsBefore() throws Exception {
        assertEquals(List.of("Hello", " world", "!", " 123"), split(" ?\\p{L}+| ?\\p{N}+|[^\\s\\p{L}\\p{N}]+").split(List.of("Hello world! 123"), true));
        String longText = "word ".repeat(20_000);
        assertEquals(20_000, split(" ?\\p{L}+").split(List.of(longText), true).stream().filter(s -> !s.isBlank()).count(),
                "a long honest text stays within the budget");
    }

    @Test
    void aTokenIdBeyondTheVocabularyIsRefusedBeforeAllocating() throws Exception {
        Path f = dir.resolve("tokenizer.json");
        java.nio.file.Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1000000000}, \"merges\": []}}");
        FormatException e = assertThrows(FormatException.class, () -> HfTokenizer.load(f));
        assertEquals("model.vocab", e.field(), e.getMessage());
        java.nio.file.Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, "
                + "\"added_tokens\": [{\"content\": \"<s>\"}]}");
        assertEquals("added_tokens[0]", assertThrows(FormatException.class, () -> HfTokenizer.load(f)).field());
    }

    /** Found by {@code ParserFuzzTest}: an id of 2^31 - 1 overflowed the table size; an empty merge crashed. */
    @Test
    void fuzzFoundCases() throws Exception {
        Path f = dir.resolve("tokenizer.json");
        java.nio.file.Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 2147483647}, \"merges\": []}}");
        assertEquals("model.vocab", assertThrows(FormatException.class, () -> HfTokenizer.load(f)).field());
        java.nio.file.Files.writeString(f, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[]]}}");
        assertEquals("model.merges[0]", assertThrows(FormatException.class, () -> HfTokenizer.load(f)).field());
    }
}
