package io.github.mubench.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.FormatException;

import java.io.BufferedWriter;
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
 * The rows of a JSONL output that a command appends to row by row and continues after a kill. Every row is written
 * as one JSON object and its newline, so a kill can only leave an unterminated tail that starts a row ({@code {...}
 * cut short, even inside a UTF-8 character}): once every complete line has been read as a JSON object, that tail is cut
 * off the file, which keeps every complete row; nothing else is ever rewritten. A complete line that is not a JSON
 * object, or a tail that does not start one, means the file is something else, and it is refused untouched. A last
 * row that is whole but lacks its newline (a hand-edited file) is kept; {@link #appender} adds the newline.
 */
final class ResumableJsonl {
    /** One object a line: a second object or trailing text makes the line something else. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ResumableJsonl() {
    }

    /** The rows already in {@code file} (none when it does not exist), after cutting off a torn last row. */
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
            JsonNode row = object(line);
            if (row == null) {
                throw new FormatException(file, "line " + n, "is not a JSON object; expected " + what + " to continue");
            }
            rows.add(row);
        }
        if (end < bytes.length) {
            if (bytes[end] != '{') {
                throw new FormatException(file, "line " + (n + 1), "is not a JSON object; expected " + what + " to continue");
            }
            JsonNode whole = object(new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8));
            if (whole != null) {
                rows.add(whole);
            } else { // a row a kill cut short: it is written again
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(end);
                    ch.force(true);
                }
            }
        }
        return rows;
    }

    /** A writer appending to {@code file}, which first ends a last row that lacks its newline. */
    static BufferedWriter appender(Path file) throws IOException {
        boolean needsNewline = false;
        if (Files.exists(file) && Files.size(file) > 0) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, ch.size() - 1);
                needsNewline = last.get(0) != '\n';
            }
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (needsNewline) {
            w.newLine();
        }
        return w;
    }

    private static JsonNode object(String line) {
        try {
            JsonNode row = JSON.readTree(line);
            return row != null && row.isObject() ? row : null;
        } catch (IOException e) {
            return null;
        }
    }
}
