package io.github.mubench.unlearn.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.FormatException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads unlearning data as JSONL: one JSON object per line, blank lines skipped. */
public final class UnlearnJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UnlearnJsonl() {
    }

    /**
     * Forget/retain examples, one {@code {"prompt": ..., "response": ..., "refusal": ... (optional)}} per line.
     *
     * @throws FormatException naming the file and line of the first bad row, or an empty file
     */
    public static List<UnlearnExample> read(Path file) {
        return rows(file, "{\"prompt\": string, \"response\": non-empty string, optional \"refusal\": non-empty string}", row ->
                text(row, "prompt", true) && text(row, "response", false) && (!row.has("refusal") || text(row, "refusal", false))
                        ? new UnlearnExample(row.get("prompt").asText(), row.get("response").asText(),
                        row.has("refusal") ? row.get("refusal").asText() : null) : null);
    }

    /**
     * Preference pairs, one {@code {"prompt": ..., "chosen": ..., "rejected": ...}} per line, as forget examples:
     * the rejected response is the one to forget, the chosen one its refusal.
     */
    public static List<UnlearnExample> readPreferences(Path file) {
        return rows(file, "{\"prompt\": string, \"chosen\": non-empty string, \"rejected\": non-empty string}", row ->
                text(row, "prompt", true) && text(row, "chosen", false) && text(row, "rejected", false)
                        ? new UnlearnExample(row.get("prompt").asText(), row.get("rejected").asText(), row.get("chosen").asText())
                        : null);
    }

    private static boolean text(JsonNode row, String field, boolean mayBeEmpty) {
        return row.path(field).isTextual() && (mayBeEmpty || !row.get(field).asText().isEmpty());
    }

    /** Each non-blank line parsed by {@code parse}, which returns {@code null} for a row of the wrong shape. */
    private static <T> List<T> rows(Path file, String expected, Function<JsonNode, T> parse) {
        List<T> out = new ArrayList<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
        var reader = JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        int n = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            n++;
            String line;
            try {
                line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new FormatException(file, "line " + n, "is not valid UTF-8");
            }
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = reader.readValue(line);
            } catch (IOException e) {
                throw new FormatException(file, "line " + n, "is not one valid JSON object: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            }
            T value = parse.apply(row);
            if (value == null) {
                throw new FormatException(file, "line " + n, "expected " + expected);
            }
            out.add(value);
        }
        if (out.isEmpty()) {
            throw new FormatException(file, null, "has no rows; expected at least one line of " + expected);
        }
        return out;
    }
}
