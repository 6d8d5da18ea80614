package io.github.mubench.eval.data;

import io.github.mubench.tensor.io.FormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a data file as rows of named fields, whatever its format: CSV with a header, a JSON array of objects, or
 * JSONL; plain text gives one row per non-blank line with the field {@code text}. Text must be valid UTF-8; a bad
 * byte is reported with its line.
 */
final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // one object per line: a second one is an error, not dropped

    /** One row: its 1-based line in the file and its fields (JSON values, or strings for CSV). */
    record Row(String file, long line, JsonNode fields) {
        /** A required non-empty text field. */
        String text(String name) {
            JsonNode v = fields.get(name);
            if (v == null || v.isNull()) {
                throw new DatasetException(file, line, "missing field '" + name + "'");
            }
            if (!v.isTextual() && !v.isNumber()) {
                throw new DatasetException(file, line, "field '" + name + "' should be text, is " + v.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            if (v.asText().isEmpty()) {
                throw new DatasetException(file, line, "field '" + name + "' is empty");
            }
            return v.asText();
        }

        /** An optional text field: {@code null} when absent, null or empty. */
        String optional(String name) {
            JsonNode v = fields.get(name);
            return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
        }

        /** A required whole number. */
        int integer(String name) {
            String s = text(name).trim();
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new DatasetException(file, line, "field '" + name + "' should be a whole number, is '" + s + "'");
            }
        }

        /** A required array of strings. */
        List<String> texts(String name) {
            JsonNode v = fields.get(name);
            if (v == null || !v.isArray()) {
                throw new DatasetException(file, line, "field '" + name + "' should be a list of strings");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new DatasetException(file, line, "field '" + name + "' should hold strings only");
                }
                out.add(e.asText());
            }
            return out;
        }

        JsonNode node(String name) {
            JsonNode v = fields.get(name);
            if (v == null || v.isNull()) {
                throw new DatasetException(file, line, "missing field '" + name + "'");
            }
            return v;
        }
    }

    private Rows() {
    }

    /** Rows of a user file; its format follows its extension (.csv, .json, .jsonl, .txt). */
    static List<Row> read(Path file) {
        try {
            return parse(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
    }

    /** Rows of a bundled data file ({@code mubench/data/...} on the classpath). */
    static List<Row> bundled(String path) {
        return parse("bundled " + path, bundledBytes(path));
    }

    static byte[] bundledBytes(String path) {
        try (InputStream in = Rows.class.getClassLoader().getResourceAsStream("mubench/data/" + path)) {
            if (in == null) {
                throw new DatasetException("bundled " + path, 0, "missing from the classpath (is mubench-eval's jar complete?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Row> parse(String file, byte[] bytes) {
        String text = utf8(file, bytes);
        String lower = file.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return csv(file, text);
        } else if (lower.endsWith(".jsonl")) {
            return jsonl(file, text);
        } else if (lower.endsWith(".json")) {
            return jsonArray(file, text);
        } else if (lower.endsWith(".txt")) {
            List<Row> rows = new ArrayList<>();
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (!l.isEmpty()) {
                    rows.add(new Row(file, i + 1, JSON.createObjectNode().put("text", l)));
                }
            }
            return rows;
        }
        throw new DatasetException(file, 0, "unknown format; expected a .csv, .json, .jsonl or .txt file");
    }

    /** Strict UTF-8 decoding; a malformed byte is reported with the line it is on. */
    static String utf8(String file, byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            long line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new DatasetException(file, line, "is not valid UTF-8 (byte offset " + in.position() + ")");
        }
        dec.flush(out);
        String s = out.flip().toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static List<Row> csv(String file, String text) {
        List<Row> rows = new ArrayList<>();
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
        try (CSVParser p = CSVParser.parse(new StringReader(text), format)) {
            List<String> header = p.getHeaderNames();
            Iterator<CSVRecord> it = p.iterator();
            long line = 2;
            while (true) {
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new DatasetException(file, p.getCurrentLineNumber(), "is not valid CSV: " + e.getMessage());
                }
                if (rec.size() != header.size()) {
                    throw new DatasetException(file, line, "has " + rec.size() + " columns; the header has " + header.size());
                }
                var node = JSON.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                    node.put(header.get(i), rec.get(i));
                }
                rows.add(new Row(file, line, node));
                line = p.getCurrentLineNumber() + 1;
            }
        } catch (IOException e) {
            throw new DatasetException(file, 0, "is not valid CSV: " + e.getMessage());
        } catch (IllegalArgumentException e) { // Commons CSV's verdict on the header: an empty or duplicate column name
            throw new DatasetException(file, 1, "is not a valid CSV header: " + e.getMessage());
        }
        return rows;
    }

    private static List<Row> jsonl(String file, String text) {
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines[i]);
            } catch (IOException e) {
                throw new DatasetException(file, i + 1, "is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (!n.isObject()) {
                throw new DatasetException(file, i + 1, "should be a JSON object");
            }
            rows.add(new Row(file, i + 1, n));
        }
        return rows;
    }

    private static List<Row> jsonArray(String file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new DatasetException(file, 0, "is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isArray()) {
            throw new DatasetException(file, 0, "should be a JSON array");
        }
        List<Row> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            i++;
            // JSON arrays have no lines to speak of: the row is named by its 1-based index
            rows.add(new Row(file + " item", i, n.isObject() ? n : JSON.createObjectNode().set("text", n)));
        }
        return rows;
    }

    /** A JSON object's fields as a sorted map (for files that are one object keyed by id). */
    static Map<String, String> stringMap(String file, byte[] bytes) {
        try {
            Map<String, String> out = new TreeMap<>();
            JSON.readTree(utf8(file, bytes)).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new DatasetException(file, 0, "is not valid JSON: " + e.getMessage());
        }
    }
}
