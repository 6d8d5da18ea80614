package io.github.mubench.tensor.model;

import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasKvCacheTest {
    @Test
    void aCacheWhoseLayerExceedsOneBufferIsRefusedBeforeAllocating() {
        LlamaConfig c = new Fixture("llama").checkpoint().config();
        int rows = 1 << 16, tokens = (int) (BlasKvCache.MAX_LAYER_FLOATS / ((long) rows * c.numKvHeads() * c.headDim())) + 1;
        // no heap for caches: this one goes off-heap whatever the test JVM's -Xmx
        BlasLlama model = new BlasLlama(new Fixture("llama").checkpoint(), BlasKvCache.Scratch.BLOCK_FLOATS, Loops.best(), 0, 0);
        // the slot bookkeeping alone would take rows × tokens bytes: the refusal must come first
        var e = assertThrows(IllegalArgumentException.class, () -> model.newCache(rows, tokens));
        assertTrue(e.getMessage().contains(rows + " rows × " + tokens + " tokens"), e.getMessage());
    }
}
