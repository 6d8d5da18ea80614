package io.github.mubench.tensor.checkpoint;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Meta-style checkpoints (llama2.c, GGUF) rotate interleaved pairs (2i, 2i+1) of each head; HF checkpoints rotate
 * the two halves (i, i + headDim/2). We keep the HF layout only, so q/k projections are permuted on load.
 */
final class RopeLayout {
    private RopeLayout() {
    }

    /** Rows of a {@code [heads*headDim, in]} projection reordered from interleaved pairs to rotate-half. */
    static INDArray interleavedToHalves(INDArray w, int heads, int headDim) {
        long in = w.size(1);
        return w.reshape('c', heads, headDim / 2, 2, in).permute(0, 2, 1, 3).dup('c').reshape('c', (long) heads * headDim, in);
    }

    /** The inverse: rotate-half rows back to interleaved pairs (llama2.c's and llama.cpp's order). */
    static INDArray halvesToInterleaved(INDArray w, int heads, int headDim) {
        long in = w.size(1);
        return w.reshape('c', heads, 2, headDim / 2, in).permute(0, 2, 1, 3).dup('c').reshape('c', (long) heads * headDim, in);
    }
}
