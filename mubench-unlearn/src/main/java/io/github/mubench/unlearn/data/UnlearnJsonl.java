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

/** Reads forget/retain sets as JSONL, one {@code {"prompt": ..., "response": ...}} per line. */
public final class UnlearnJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UnlearnJsonl() {
    }

    /**
     * @throws CheckpointException naming the file and line of the first bad row, or an empty file
     */
    public static List<UnlearnExample> read(Path file) {
        List<UnlearnExample> out = new ArrayList<>();
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
                if (!row.path("prompt").isTextual() || !row.path("response").isTextual() || row.path("response").asText().isEmpty()) {
                    throw new CheckpointException(file, "line " + n, "expected {\"prompt\": string, \"response\": non-empty string}");
                }
                out.add(new UnlearnExample(row.get("prompt").asText(), row.get("response").asText()));
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new CheckpointException(file, "rows", "none; expected at least one {\"prompt\", \"response\"} line");
        }
        return out;
    }

    /** Preference pairs, one {@code {"prompt": ..., "chosen": ..., "rejected": ...}} per line. */
    public static List<PreferenceExample> readPreferences(Path file) {
        List<PreferenceExample> out = new ArrayList<>();
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
                if (!row.path("prompt").isTextual() || !row.path("chosen").isTextual() || !row.path("rejected").isTextual()
                        || row.path("chosen").asText().isEmpty() || row.path("rejected").asText().isEmpty()) {
                    throw new CheckpointException(file, "line " + n, "expected {\"prompt\": string, \"chosen\": non-empty string, "
                            + "\"rejected\": non-empty string}");
                }
                out.add(new PreferenceExample(row.get("prompt").asText(), row.get("chosen").asText(), row.get("rejected").asText()));
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new CheckpointException(file, "rows", "none; expected at least one {\"prompt\", \"chosen\", \"rejected\"} line");
        }
        return out;
    }
}
