package io.github.mubench.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a JSONL output that a command appends to row by row and continues after a kill. Every row is written
 * with its newline, so a kill can only leave an unterminated tail: that tail (even one cut inside a UTF-8 character)
 * is cut off the file, which keeps every complete row; nothing is rewritten. A complete line that is not JSON means the
 * file is something else, and is refused.
 */
final class ResumableJsonl {
    /** One object a line: a second object or trailing text makes the line something else. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ResumableJsonl() {
    }

    /** The rows of the complete, non-blank lines of {@code file} (none when it does not exist), after cutting off a torn tail. */
    static List<JsonNode> completeRows(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        if (!Files.isRegularFile(file)) {
            throw new FormatException(file, "file", "is not a regular file; expected " + what + " to continue");
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(file, "content", "is not UTF-8 text; expected " + what + " to continue");
        }
        List<JsonNode> rows = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = JSON.readTree(line);
            } catch (IOException e) {
                row = null;
            }
            if (row == null || !row.isObject()) {
                throw new FormatException(file, "line " + n, "is not a JSON object; expected " + what + " to continue");
            }
            rows.add(row);
        }
        return rows;
    }
}
