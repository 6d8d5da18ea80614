package io.github.mubench.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an experiment produced, as its index {@code experiment.json} records it (paths relative to the folder, so
 * the folder can move).
 *
 * @param dir    the experiment's folder
 * @param name   its name
 * @param models per model: its base evaluation and its unlearning runs
 */
public record ExperimentResult(Path dir, String name, List<ModelResult> models) {
    /** The index file in an experiment's folder. */
    public static final String INDEX = "experiment.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One model's part.
     *
     * @param name        the model's name
     * @param fingerprint the base model's fingerprint
     * @param baseEval    the folder of its evaluation ({@code results.json}, {@code samples.jsonl})
     * @param runs        its unlearning runs, in the order they ran
     */
    public record ModelResult(String name, String fingerprint, Path baseEval, List<RunResult> runs) {
    }

    /**
     * One unlearning run.
     *
     * @param setting the setting
     * @param dir     the run's folder (the unlearned model, {@code manifest.json}, {@code metrics.jsonl})
     * @param eval    the folder of the unlearned model's evaluation
     * @param cost    what the run cost
     */
    public record RunResult(Setting setting, Path dir, Path eval, RunCost cost) {
    }

    /**
     * Writes {@code experiment.json} (atomically: a kill leaves the previous index); {@code complete} is false while
     * the experiment runs, true once every run is in it and the report is written.
     */
    void write(boolean complete) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        root.put("complete", complete);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (ModelResult m : models) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("name", m.name());
            mj.put("fingerprint", m.fingerprint());
            mj.put("base_eval", relative(m.baseEval()));
            List<Map<String, Object>> rs = new ArrayList<>();
            for (RunResult r : m.runs()) {
                Map<String, Object> rj = new LinkedHashMap<>();
                Setting s = r.setting();
                rj.put("label", s.label());
                rj.put("group", s.group());
                rj.put("method", s.method());
                rj.put("params", s.params());
                rj.put("training", s.training());
                rj.put("swept", s.swept());
                rj.put("seed", s.seed());
                rj.put("dir", relative(r.dir()));
                rj.put("eval", relative(r.eval()));
                rj.put("cost", r.cost().toJson());
                rs.add(rj);
            }
            mj.put("runs", rs);
            ms.add(mj);
        }
        root.put("models", ms);
        try {
            AtomicFiles.write(dir.resolve(INDEX), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(INDEX) + ": " + e.getMessage(), e);
        }
    }

    private String relative(Path p) {
        return dir.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString();
    }

    /** Whether the experiment in {@code dir} finished (its index says so; one written before the flag existed did). */
    public static boolean isComplete(Path dir) {
        try {
            return JSON.readTree(Files.readAllBytes(dir.resolve(INDEX))).path("complete").asBoolean(true);
        } catch (IOException e) {
            throw FormatException.unreadable(dir.resolve(INDEX), e);
        }
    }

    /** Reads the index of the experiment in {@code dir}. */
    public static ExperimentResult read(Path dir) {
        Path file = dir.resolve(INDEX);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
        try {
            List<ModelResult> models = new ArrayList<>();
            for (JsonNode m : root.withArray("models")) {
                List<RunResult> runs = new ArrayList<>();
                for (JsonNode r : m.withArray("runs")) {
                    Setting s = new Setting(r.get("label").asText(), r.get("method").asText(), strings(r.get("params")),
                            strings(r.get("training")), JSON.convertValue(r.get("swept"), List.class), r.get("seed").asLong());
                    runs.add(new RunResult(s, dir.resolve(r.get("dir").asText()), dir.resolve(r.get("eval").asText()),
                            RunCost.fromJson(r.get("cost"))));
                }
                models.add(new ModelResult(m.get("name").asText(), m.get("fingerprint").asText(), dir.resolve(m.get("base_eval").asText()), runs));
            }
            return new ExperimentResult(dir, root.get("name").asText(), models);
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new FormatException(file, null, "is not an experiment index (name, models with base_eval and runs)", e);
        }
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
