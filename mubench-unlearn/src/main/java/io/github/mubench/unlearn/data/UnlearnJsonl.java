package io.github.mubench.unlearn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.checkpoint.CheckpointException;

import java.io.BufferedReader;
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
     * @throws CheckpointException naming the file and line of the first bad row, or an empty file
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
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (IOException e) {
                    throw new CheckpointException(file, "line " + n, "is not valid JSON: " + e.getMessage());
                }
                T value = parse.apply(row);
                if (value == null) {
                    throw new CheckpointException(file, "line " + n, "expected " + expected);
                }
                out.add(value);
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new CheckpointException(file, "rows", "none; expected at least one line of " + expected);
        }
        return out;
    }
}
