package io.github.mubench.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.stats.PairedTests;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Base versus other model (an unlearned one) on the same items: for every task and per-sample value both evaluations
 * have, the paired difference (other − base) over the docs both evaluated (and where neither value is NaN), with
 * McNemar's exact test for 0/1 values and a paired bootstrap for scores.
 */
public final class Comparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Comparison() {
    }

    /**
     * One compared value.
     *
     * @param task  the task
     * @param value the per-sample value (e.g. {@code acc}, {@code asr/keyword})
     * @param base  its mean on the base model over the paired docs
     * @param other its mean on the other model
     * @param test  the paired difference and its test
     */
    public record Row(String task, String value, double base, double other, PairedTests.Difference test) {
    }

    /**
     * Compares two evaluations' output folders ({@code results.json} and {@code samples.jsonl}); a task both ran
     * with another version or other settings is refused, as its items or metrics differ.
     */
    public static List<Row> of(Path baseDir, Path otherDir, long seed) {
        JsonNode base = results(baseDir), other = results(otherDir);
        for (var it = base.path("tasks").fields(); it.hasNext(); ) {
            var t = it.next();
            JsonNode o = other.path("tasks").get(t.getKey());
            if (o != null && (!t.getValue().get("version").equals(o.get("version")) || !t.getValue().get("settings").equals(o.get("settings")))) {
                throw new IllegalArgumentException("task '" + t.getKey() + "' ran with other settings or version in " + otherDir
                        + " (" + o.get("settings") + ") than in " + baseDir + " (" + t.getValue().get("settings") + "); pairs need the same task");
            }
        }
        return of(read(baseDir.resolve("samples.jsonl")), read(otherDir.resolve("samples.jsonl")), seed);
    }

    private static JsonNode results(Path dir) {
        Path file = dir.resolve("results.json");
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
    }

    /** Compares per-sample values: task → doc id → value name → value. */
    public static List<Row> of(Map<String, Map<String, Map<String, Double>>> base, Map<String, Map<String, Map<String, Double>>> other, long seed) {
        List<Row> out = new ArrayList<>();
        for (var task : base.entrySet()) {
            Map<String, Map<String, Double>> o = other.get(task.getKey());
            if (o == null) {
                continue;
            }
            List<String> docs = task.getValue().keySet().stream().filter(o::containsKey).sorted().toList();
            Map<String, Boolean> names = new TreeMap<>();
            docs.forEach(d -> task.getValue().get(d).keySet().forEach(n -> names.put(n, true)));
            for (String name : names.keySet()) {
                List<String> both = docs.stream().filter(d -> present(task.getValue().get(d).get(name)) && present(o.get(d).get(name))).toList();
                if (both.isEmpty()) {
                    continue;
                }
                double[] a = both.stream().mapToDouble(d -> task.getValue().get(d).get(name)).toArray();
                double[] b = both.stream().mapToDouble(d -> o.get(d).get(name)).toArray();
                boolean binary = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).allMatch(x -> x == 0 || x == 1);
                PairedTests.Difference t;
                if (binary) {
                    boolean[] x = new boolean[a.length], y = new boolean[b.length];
                    for (int i = 0; i < a.length; i++) {
                        x[i] = a[i] == 1;
                        y[i] = b[i] == 1;
                    }
                    t = PairedTests.binary(x, y, seed);
                } else {
                    t = PairedTests.scores(a, b, seed);
                }
                out.add(new Row(task.getKey(), name, mean(a), mean(b), t));
            }
        }
        return out;
    }

    /** A value both samples have, and a number (NaN marks a value a sample could not get). */
    private static boolean present(Double v) {
        return v != null && !v.isNaN();
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** task → doc id → values, from a {@code samples.jsonl}. */
    static Map<String, Map<String, Map<String, Double>>> read(Path samples) {
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(samples);
        } catch (IOException e) {
            throw FormatException.unreadable(samples, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(lines.get(i));
                Map<String, Double> values = new LinkedHashMap<>();
                n.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
                out.computeIfAbsent(n.get("task").asText(), k -> new LinkedHashMap<>()).put(n.get("doc_id").asText(), values);
            } catch (IOException | NullPointerException e) {
                throw new FormatException(samples, "line " + (i + 1), "is not a samples.jsonl record (task, doc_id, values)");
            }
        }
        return out;
    }
}
