package io.github.mubench.eval.store;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.HfConfig;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.ModelWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Fingerprints key every stored answer and every experiment run: they must not move when the code around them does. */
class ModelFingerprintTest {
    @TempDir
    Path dir;

    @Test
    void theBundledModelsFingerprintIsPinned() {
        // computed by the code before weights could stay 16-bit; a change here invalidates every user's stored results
        assertEquals("b380d4bb33d09758b5f2d92a823a1b57506e6f3dac29b76abac5fe247cb75797", ModelFingerprint.of(Models.stories260K()));
    }

    @Test
    void aSixteenBitModelReadAsStoredHasTheFingerprintOfItsUpcastCopy() throws Exception {
        LoadedModel small = Models.stories260K();
        Map<String, INDArray> weights = small.checkpoint().weights().asMap();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        weights.forEach((k, v) -> shapes.put(k, v.shape()));
        Path folder = Files.createDirectories(dir.resolve("bf16"));
        HfConfig.write(small.checkpoint().config(), folder.resolve("config.json"));
        SafetensorsWriter.write(shapes, weights::get, folder.resolve("model.safetensors"), SafetensorsWriter.Dtype.BF16);
        Checkpoint stored = HfCheckpoint.load(folder);
        String name = stored.weights().names().get(1);
        assertNotNull(stored.weights().half(name, stored.weights().shape(name)), "read as stored");
        String asStored = ModelFingerprint.of(new LoadedModel(stored, small.tokenizer(), small.chatTemplate()));
        Checkpoint upcast = new Checkpoint(stored.config(), new ModelWeights(HfCheckpoint.load(folder).weights().asMap(), null, null));
        assertEquals(asStored, ModelFingerprint.of(new LoadedModel(upcast, small.tokenizer(), small.chatTemplate())));
        assertNotEquals(asStored, ModelFingerprint.of(small), "BF16 rounding changed the weights");
    }
}
