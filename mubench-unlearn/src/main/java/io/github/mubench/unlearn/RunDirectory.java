package io.github.mubench.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.io.Folders;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.tokenizer.HfTokenizerFiles;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output folder of a run: {@code manifest.json} (the run's identity), {@code metrics.jsonl} written as the run
 * goes, {@code refusals.jsonl}, resumable snapshots in {@code checkpoint/}, and at the end the unlearned model as an
 * HF folder. The manifest's {@code status} stays {@code training} until the model is written, so a folder never
 * looks finished when it is not; a folder holding another run is refused, and a resumed run must have the same
 * manifest as the run it continues.
 */
final class RunDirectory {
    static final String MANIFEST = "manifest.json", METRICS = "metrics.jsonl", REFUSALS = "refusals.jsonl", CHECKPOINT = "checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATUS = "status", TRAINING = "training", DONE = "done";

    private final Path dir;
    private Map<String, Object> manifest;

    RunDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Claims the folder for a run described by {@code manifest}.
     *
     * @param resume continue the run already there (its manifest must equal this one)
     * @throws IllegalArgumentException when the folder holds another run, or (resuming) a run of other settings
     */
    void start(Map<String, Object> manifest, boolean resume) {
        this.manifest = new LinkedHashMap<>(manifest);
        Path file = dir.resolve(MANIFEST);
        try {
            if (Files.exists(file)) {
                if (!resume) {
                    throw new IllegalArgumentException(dir + " already holds a run (" + MANIFEST + "); write to a new folder, "
                            + "resume that run, or remove the folder");
                }
                JsonNode old = JSON.readTree(file.toFile());
                JsonNode now = JSON.readTree(JSON.writeValueAsBytes(this.manifest)); // as it reads back from disk
                if (old.isObject()) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) old).remove(STATUS);
                }
                if (!old.equals(now)) {
                    throw new IllegalArgumentException(dir + " holds a run of other settings (" + firstDifference(old, now)
                            + "); resume needs the same settings, data and model, or use a new folder");
                }
            } else {
                AtomicFiles.removeLeftovers(dir, MANIFEST); // a kill during the first manifest write leaves only its temporary file
                if (Files.exists(dir.resolve("config.json")) || Files.exists(dir.resolve("model.safetensors"))) {
                    throw new IllegalArgumentException(dir + " holds a model; write the run to a new folder");
                }
                if (Files.isDirectory(dir) && !Folders.isEmpty(dir)) {
                    throw new IllegalArgumentException(dir + " holds other files and no run (" + MANIFEST + "); a run goes into a new "
                            + "or empty folder");
                }
            }
            AtomicFiles.removeLeftovers(dir); // what a killed run was writing when it stopped
            writeManifest(TRAINING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static String firstDifference(JsonNode old, JsonNode now) {
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!now.get(k).equals(old.get(k))) {
                return k + ": " + old.get(k) + " then, " + now.get(k) + " now";
            }
        }
        return "fields differ";
    }

    private void writeManifest(String status) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(manifest);
        m.put(STATUS, status);
        AtomicFiles.write(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    /** {@code refusals.jsonl}: the refusal each forget prompt was trained towards, and where it came from. */
    void writeRefusals(List<Map<String, Object>> rows) {
        StringBuilder out = new StringBuilder();
        try {
            for (Map<String, Object> row : rows) {
                out.append(JSON.writeValueAsString(row)).append('\n');
            }
            AtomicFiles.write(dir.resolve(REFUSALS), out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The snapshot to resume from, or {@code null}. */
    TrainingCheckpoint.Snapshot snapshot() {
        return TrainingCheckpoint.read(dir.resolve(CHECKPOINT));
    }

    /** Writes a resumable snapshot after {@code steps} steps. */
    void writeSnapshot(int steps, int optimizerSteps, Map<String, INDArray> params, Map<String, INDArray> optimizerState) {
        try {
            TrainingCheckpoint.write(dir.resolve(CHECKPOINT), steps, optimizerSteps, params, optimizerState);
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(CHECKPOINT) + ": " + e.getMessage(), e);
        }
    }

    /** Whether the folder holds a finished run (its manifest's status is done). */
    boolean isFinished() {
        Path file = dir.resolve(MANIFEST);
        try {
            return Files.exists(file) && DONE.equals(JSON.readTree(file.toFile()).path(STATUS).asText());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Every logged step of a finished run. */
    List<StepMetrics> allMetrics() {
        Path file = dir.resolve(METRICS);
        List<StepMetrics> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add(StepMetrics.fromJson(JSON.readTree(line)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The metrics of the first {@code steps} steps, as an earlier run of this folder logged them. */
    List<StepMetrics> loggedMetrics(int steps) {
        List<StepMetrics> out = new ArrayList<>();
        Path file = dir.resolve(METRICS);
        if (steps == 0 || !Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (out.size() == steps) {
                    break;
                }
                out.add(StepMetrics.fromJson(JSON.readTree(line)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (out.size() < steps) {
            throw new IllegalArgumentException(file + " has " + out.size() + " steps; the snapshot has " + steps);
        }
        return out;
    }

    /**
     * {@code metrics.jsonl}, rewritten atomically with {@code kept} (the steps a resumed run does not redo), then
     * appended to: a kill at any moment leaves at least the kept lines.
     */
    MetricsLog openMetrics(List<StepMetrics> kept) {
        try {
            StringBuilder text = new StringBuilder();
            for (StepMetrics m : kept) {
                text.append(JSON.writeValueAsString(m.toJson())).append('\n');
            }
            AtomicFiles.write(dir.resolve(METRICS), text.toString().getBytes(StandardCharsets.UTF_8));
            return new MetricsLog(Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    /** Writes the unlearned model (with the input model's tokenizer files) and marks the run done. */
    void finish(Checkpoint result, LoadedModel input) {
        try {
            HfCheckpoint.save(result, dir);
            Path source = input.checkpoint().weights().source();
            if (source != null && Files.isDirectory(source)) {
                HfTokenizerFiles.copy(source, dir);
            } else if (source != null && source.getFileName().toString().endsWith(".gguf")) {
                HfTokenizerFiles.writeGguf(io.github.mubench.tensor.checkpoint.GgufFile.read(source), dir);
            } else if (input.tokenizer() instanceof Llama2cTokenizer t) {
                HfTokenizerFiles.write(t.toHfTokenizerJson(), "<s>", "</s>", dir);
            }
            writeManifest(DONE);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code metrics.jsonl}, one flushed line per step. */
    static final class MetricsLog implements Closeable {
        private final BufferedWriter out;

        MetricsLog(BufferedWriter out) {
            this.out = out;
        }

        void write(StepMetrics m) throws IOException {
            out.write(JSON.writeValueAsString(m.toJson()));
            out.newLine();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
