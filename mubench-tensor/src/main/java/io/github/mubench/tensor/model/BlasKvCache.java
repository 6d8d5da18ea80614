package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;

/**
 * {@link BlasLlama}'s cache: keys and values of every layer in one off-heap block each, laid out
 * {@code [layer][row][kvHead][slot][headDim]} so that a row's keys of one head are a {@code [slots, headDim]}
 * matrix for BLAS; plus the forward pass's scratch buffers, kept between steps (decoding allocates nothing).
 */
final class BlasKvCache extends KvCache {
    final FloatPointer keys, values;
    final long layerStride, rowStride, headStride;
    private Scratch scratch;

    BlasKvCache(LlamaConfig c, int batch, int capacity) {
        super(batch, capacity);
        headStride = (long) capacity * c.headDim();
        rowStride = headStride * c.numKvHeads();
        layerStride = rowStride * batch;
        long size = layerStride * c.numLayers();
        keys = new FloatPointer(size);
        values = new FloatPointer(size);
    }

    /** Offset of {@code (layer, row, kvHead, slot)}'s first element. */
    long offset(int layer, int row, int head, int slot, int headDim) {
        return layer * layerStride + row * rowStride + head * headStride + (long) slot * headDim;
    }

    /** Scratch buffers for {@code n} token rows of {@code time} positions each (grown when needed, reused otherwise). */
    Scratch scratch(LlamaConfig c, int n, int time) {
        if (scratch == null || scratch.rows < n || scratch.time < time) {
            scratch = new Scratch(c, Math.max(n, scratch == null ? 0 : scratch.rows), Math.max(time, scratch == null ? 0 : scratch.time),
                    capacity(), keys, values);
        }
        return scratch;
    }

    /** One forward pass's activations, off-heap so that BLAS reads and writes them in place. */
    static final class Scratch {
        final int rows, time;
        final FloatPointer x, xb, q, k, v, att, gate, up, scores;
        /**
         * Two heap rows, long enough for any row (scores, hidden state, FFN): the element-wise loops run on heap
         * copies, several times faster than the same loops over direct buffers.
         */
        final float[] row, row2;
        /** Movable views for BLAS arguments at offsets (a new pointer per call would cost more than small calls do). */
        final FloatPointer qAt, keysAt, valuesAt, attAt;

        /** For {@code rows} token rows, attention scores of {@code time} queries over {@code slots} keys at a time. */
        Scratch(LlamaConfig c, int rows, int time, int slots, FloatPointer keys, FloatPointer values) {
            this.rows = rows;
            this.time = time;
            long d = c.hiddenSize(), qd = (long) c.numHeads() * c.headDim(), kvd = (long) c.numKvHeads() * c.headDim();
            x = new FloatPointer(rows * d);
            xb = new FloatPointer(rows * d);
            q = new FloatPointer(rows * qd);
            k = new FloatPointer(rows * kvd);
            v = new FloatPointer(rows * kvd);
            att = new FloatPointer(rows * qd);
            gate = new FloatPointer(rows * (long) c.intermediateSize());
            up = new FloatPointer(rows * (long) c.intermediateSize());
            scores = new FloatPointer((long) time * slots);
            int longest = Math.max(slots, Math.max(c.hiddenSize(), c.intermediateSize()));
            row = new float[longest];
            row2 = new float[longest];
            qAt = new FloatPointer(q);
            attAt = new FloatPointer(att);
            keysAt = new FloatPointer(keys);
            valuesAt = new FloatPointer(values);
        }
    }
}
