package io.github.mubench.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.checkpoint.CheckpointException;
import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import io.github.mubench.tensor.io.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resumable snapshots of a run: trainable parameters and optimizer state in {@code state-N.safetensors}, then
 * {@code progress.json} naming that file. Each file is written atomically and the progress marker last, so a kill at
 * any moment leaves either the previous snapshot or the new one, never a mix.
 */
final class TrainingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROGRESS = "progress.json";

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
        String state = "state-" + steps + ".safetensors";
        SafetensorsWriter.write(all, dir.resolve(state));
        AtomicFiles.write(dir.resolve(PROGRESS), JSON.writeValueAsBytes(Map.of("steps", steps, "optimizer_steps", optimizerSteps,
                "state", state)));
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "state-*.safetensors")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(state)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        AtomicFiles.removeLeftovers(dir); // a snapshot a kill cut short: as large as the model and optimizer state
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
        String state = p.path("state").asText("");
        if (!state.matches("state-\\d+\\.safetensors")) {
            throw new CheckpointException(progress, "state", "'" + state + "'; expected state-N.safetensors");
        }
        SafetensorsFile file = SafetensorsFile.open(dir.resolve(state));
        Map<String, INDArray> params = new LinkedHashMap<>(), opt = new LinkedHashMap<>();
        for (String name : file.names()) {
            INDArray a = file.load(name).dup();
            if (name.startsWith("param/")) {
                params.put(name.substring(6), a);
            } else if (name.startsWith("opt/")) {
                opt.put(name.substring(4), a);
            }
        }
        return new Snapshot(p.path("steps").asInt(), p.path("optimizer_steps").asInt(), params, opt);
    }
}
