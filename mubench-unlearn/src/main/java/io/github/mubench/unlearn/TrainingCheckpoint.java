package io.github.mubench.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.checkpoint.AtomicFiles;
import io.github.mubench.tensor.checkpoint.CheckpointException;
import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resumable snapshot of a run: trainable parameters and optimizer state in {@code state.safetensors}, then
 * {@code progress.json} naming the step. Each file is written atomically and progress last, so a crash at any
 * moment leaves either the previous snapshot or the new one.
 */
final class TrainingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "state.safetensors", PROGRESS = "progress.json";

    private TrainingCheckpoint() {
    }

    /** Completed steps, parameters ("param/NAME") and optimizer state ("opt/KEY"). */
    record Snapshot(int steps, int optimizerSteps, Map<String, INDArray> params, Map<String, INDArray> optimizer) {
    }

    static void write(Path dir, int steps, int optimizerSteps, Map<String, INDArray> params, Map<String, INDArray> optimizer)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, INDArray> all = new LinkedHashMap<>();
        params.forEach((k, v) -> all.put("param/" + k, v));
        optimizer.forEach((k, v) -> all.put("opt/" + k, v));
        SafetensorsWriter.write(all, dir.resolve(STATE));
        AtomicFiles.write(dir.resolve(PROGRESS), JSON.writeValueAsBytes(Map.of("steps", steps, "optimizer_steps", optimizerSteps)));
    }

    /** The snapshot in {@code dir}, or {@code null} when there is none yet. */
    static Snapshot read(Path dir) {
        Path progress = dir.resolve(PROGRESS);
        if (!Files.isRegularFile(progress)) {
            return null;
        }
        JsonNode p;
        try {
            p = JSON.readTree(progress.toFile());
        } catch (IOException e) {
            throw new CheckpointException(progress, "progress", "cannot be read: " + e.getMessage(), e);
        }
        SafetensorsFile state = SafetensorsFile.open(dir.resolve(STATE));
        Map<String, INDArray> params = new LinkedHashMap<>(), opt = new LinkedHashMap<>();
        for (String name : state.names()) {
            INDArray a = state.load(name).dup();
            if (name.startsWith("param/")) {
                params.put(name.substring(6), a);
            } else if (name.startsWith("opt/")) {
                opt.put(name.substring(4), a);
            }
        }
        return new Snapshot(p.path("steps").asInt(), p.path("optimizer_steps").asInt(), params, opt);
    }
}
