package io.github.mubench.experiment.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation's output folder as the report reads it: each task's axis and metrics ({@code results.json}) and its
 * per-sample values and groups ({@code samples.jsonl}), which paired tests compare doc by doc.
 *
 * @param dir     the folder
 * @param uses    task → {@code safety}, {@code over_safety} or {@code utility}
 * @param metrics task → metric → estimate
 * @param samples task → doc id → sample
 */
record EvalOutput(Path dir, Map<String, String> uses, Map<String, Map<String, Estimate>> metrics, Map<String, Map<String, SampleRow>> samples) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One sample.
     *
     * @param values its per-sample values (what metrics average)
     * @param fields its other plain fields (attack, label, category, subject, ...), which metric groups filter on
     */
    record SampleRow(Map<String, Double> values, Map<String, String> fields) {
    }

    static EvalOutput read(Path dir) {
        Path results = dir.resolve("results.json"), samplesFile = dir.resolve("samples.jsonl");
        JsonNode root;
        List<String> lines;
        try {
            root = JSON.readTree(Files.readAllBytes(results));
        } catch (IOException e) {
            throw FormatException.unreadable(results, e);
        }
        try {
            lines = Files.readAllLines(samplesFile);
        } catch (IOException e) {
            throw FormatException.unreadable(samplesFile, e);
        }
        Map<String, String> uses = new LinkedHashMap<>();
        Map<String, Map<String, Estimate>> metrics = new LinkedHashMap<>();
        for (var t = root.path("tasks").fields(); t.hasNext(); ) {
            var task = t.next();
            uses.put(task.getKey(), task.getValue().path("use").asText("utility"));
            Map<String, Estimate> m = new LinkedHashMap<>();
            task.getValue().path("metrics").fields().forEachRemaining(e -> m.put(e.getKey(), new Estimate(number(e.getValue().get("value")),
                    number(e.getValue().get("lower")), number(e.getValue().get("upper")), e.getValue().path("n").asInt(), e.getValue().path("method").asText())));
            metrics.put(task.getKey(), m);
        }
        Map<String, Map<String, SampleRow>> samples = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(lines.get(i));
                Map<String, Double> values = new LinkedHashMap<>();
                n.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), number(e.getValue())));
                Map<String, String> fields = new LinkedHashMap<>();
                n.fields().forEachRemaining(e -> {
                    if (e.getValue().isTextual() || e.getValue().isNumber()) {
                        fields.put(e.getKey(), e.getValue().asText());
                    }
                });
                samples.computeIfAbsent(n.get("task").asText(), k -> new LinkedHashMap<>()).put(n.get("doc_id").asText(), new SampleRow(values, fields));
            } catch (IOException | NullPointerException e) {
                throw new FormatException(samplesFile, "line " + (i + 1), "is not a samples.jsonl record (task, doc_id, values)");
            }
        }
        return new EvalOutput(dir, uses, metrics, samples);
    }

    /** A JSON number, or NaN for null and for the text "NaN" (how non-finite values are written). */
    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.isNumber() ? n.asDouble() : parse(n.asText());
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
