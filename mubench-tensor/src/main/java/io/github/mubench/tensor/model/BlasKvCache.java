package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * {@link BlasLlama}'s cache of keys and values, transposed so that a query's scores are multiply-adds along slots, plus
 * the forward pass's scratch buffers, kept between steps (decoding allocates nothing). Where the Vector API computes
 * attention the cache is on the heap, one array per {@code (layer, row, kvHead)} in {@link SimdLoops#slotAt blocks of
 * slots}, read in place; otherwise it is off-heap, {@code [layer][row][kvHead][headDim][slot]}, so that a row's keys of
 * one head are a {@code [headDim, capacity]} matrix for BLAS.
 */
final class BlasKvCache extends KvCache {
    /** Off-heap keys and values (null on the heap). */
    final FloatPointer keys, values;
    final long layerStride, rowStride, headStride;
    private Scratch scratch;

    private final int blockFloats;

    /** One layer's keys and values as buffers (indexed by int: a whole cache may hold more than 2³¹ bytes). */
    private final FloatBuffer[] keyLayers, valueLayers;

    /** Heap keys and values, {@code [layer][row · kvHeads + kvHead]}, {@link SimdLoops#slotAt blocked} (null off-heap). */
    private final float[][][] heapKeys, heapValues;
    private final int kvHeads;

    /**
     * A cache whose scratch converts 16-bit weights about {@code blockFloats} floats at a time, on the heap (for the
     * Vector API's attention) or off it (for BLAS).
     */
    BlasKvCache(LlamaConfig c, int batch, int capacity, int blockFloats, boolean onHeap) {
        super(batch, onHeap ? capacity : fitting(c, batch, capacity));
        this.blockFloats = blockFloats;
        kvHeads = c.numKvHeads();
        headStride = (long) capacity * c.headDim();
        rowStride = headStride * c.numKvHeads();
        layerStride = rowStride * batch;
        if (onHeap) {
            int length = SimdLoops.blockedLength(capacity, c.headDim());
            heapKeys = new float[c.numLayers()][batch * kvHeads][length];
            heapValues = new float[c.numLayers()][batch * kvHeads][length];
            keys = values = null;
            keyLayers = valueLayers = null;
            return;
        }
        heapKeys = heapValues = null;
        long size = layerStride * c.numLayers();
        keys = new FloatPointer(size);
        values = new FloatPointer(size);
        keyLayers = new FloatBuffer[c.numLayers()];
        valueLayers = new FloatBuffer[c.numLayers()];
        for (int l = 0; l < keyLayers.length; l++) {
            keyLayers[l] = layer(keys, l);
            valueLayers[l] = layer(values, l);
        }
    }

    /**
     * Floats in one vector of the widest kind (2048 bits): a row of scores has this many after its last slot, so that
     * scores and mixes run in whole blocks of slots.
     */
    static final int VECTOR_PADDING = 64;

    /**
     * Floats a cache of {@code batch × capacity} tokens takes on the heap, keys and values together (asked only where
     * the Vector API is loaded: the blocks are its vectors).
     */
    static long heapFloats(LlamaConfig c, int batch, int capacity) {
        return 2L * c.numLayers() * batch * c.numKvHeads() * SimdLoops.blockedLength(capacity, c.headDim());
    }

    /**
     * Writes one slot's key and value of {@code (layer, row, kvHead)}: {@code headDim} floats each of {@code k} and
     * {@code v} from {@code from}, element {@code i} into row {@code i} of the slot's block (heap) or of the transposed
     * {@code [headDim, capacity]} matrix (off-heap).
     */
    void store(int layer, int row, int head, int slot, FloatBuffer k, FloatBuffer v, int from, int headDim) {
        if (onHeap()) {
            float[] keys = heapKeys(layer, row, head), values = heapValues(layer, row, head);
            for (int i = 0, at = SimdLoops.slotAt(slot, headDim); i < headDim; i++, at += SimdLoops.LANES) {
                keys[at] = k.get(from + i);
                values[at] = v.get(from + i);
            }
        } else {
            FloatBuffer keys = keyLayers[layer], values = valueLayers[layer];
            for (int i = 0, at = inLayer(row, head) + slot; i < headDim; i++, at += capacity()) {
                keys.put(at, k.get(from + i));
                values.put(at, v.get(from + i));
            }
        }
    }

    /** Whether keys and values are on the heap ({@link #heapKeys}) rather than off it ({@link #keys}, for BLAS). */
    boolean onHeap() {
        return heapKeys != null;
    }

    /** {@code (layer, row, kvHead)}'s keys on the heap, {@link SimdLoops#slotAt blocked}. */
    float[] heapKeys(int layer, int row, int head) {
        return heapKeys[layer][row * kvHeads + head];
    }

    /** {@code (layer, row, kvHead)}'s values on the heap, {@link SimdLoops#slotAt blocked}. */
    float[] heapValues(int layer, int row, int head) {
        return heapValues[layer][row * kvHeads + head];
    }

    /** Floats in one layer's keys at most: a buffer's bytes are counted in an int. */
    static final long MAX_LAYER_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    /** {@code capacity}, checked before anything is allocated: one layer's keys must fit one buffer. */
    private static int fitting(LlamaConfig c, int batch, int capacity) {
        long perLayer = (long) batch * capacity * c.numKvHeads() * c.headDim();
        if (perLayer > MAX_LAYER_FLOATS) {
            throw new IllegalArgumentException("a KV cache of " + batch + " rows × " + capacity + " tokens needs " + perLayer
                    + " floats per layer, more than one buffer holds (" + MAX_LAYER_FLOATS + "); use fewer rows or a shorter context");
        }
        return capacity;
    }

    private FloatBuffer layer(FloatPointer all, int l) {
        return new FloatPointer(all).position(l * layerStride).limit((l + 1) * layerStride).asBuffer();
    }

    /** Offset of {@code (layer, row, kvHead)}'s {@code [headDim, capacity]} block off the heap. */
    long offset(int layer, int row, int head) {
        return layer * layerStride + inLayer(row, head);
    }

    /** Offset of {@code (row, kvHead)}'s {@code [headDim, capacity]} block in its layer's buffers. */
    private int inLayer(int row, int head) {
        return (int) (row * rowStride + head * headStride);
    }

    /** Scratch buffers for {@code n} token rows of {@code time} positions each (grown when needed, reused otherwise). */
    Scratch scratch(LlamaConfig c, int n, int time) {
        if (scratch == null || scratch.rows < n || scratch.time < time) {
            scratch = new Scratch(c, Math.max(n, scratch == null ? 0 : scratch.rows), Math.max(time, scratch == null ? 0 : scratch.time),
                    capacity(), keys, values, blockFloats);
        }
        return scratch;
    }

    /** One forward pass's activations, off-heap so that BLAS reads and writes them in place. */
    static final class Scratch {
        final int rows, time;
        final FloatPointer x, xb, q, k, v, att, gate, up;
        /** Attention scores of the BLAS path, {@code [time, slots]} (null where the cache is on the heap). */
        final FloatPointer scores;
        /**
         * Two heap rows, long enough for any row (scores, hidden state, FFN): the element-wise loops run on heap
         * copies, several times faster than the same loops over direct buffers.
         */
        final float[] row, row2;
        /** What the Vector API's attention works in: one per {@link Workers} thread (see {@link Heads}). */
        final Heads[] heads;
        /** Movable views for BLAS arguments at offsets (a new pointer per call would cost more than small calls do). */
        final FloatPointer qAt, keysAt, valuesAt, attAt;
        /** Floats of a 16-bit weight converted at a time: 1 MiB, which stays in a core's L2 cache for the product. */
        static final int BLOCK_FLOATS = 1 << 18;
        /** The floats this scratch converts at a time (whole rows: at least one). */
        final int blockFloats;
        /** Floats a block may need: at least a whole row of any weight. */
        private final int blockCapacity;
        /**
         * A block of a 16-bit weight's rows as float32, and the heap arrays it is converted through; made on the first
         * conversion, so that a float32 model never holds them.
         */
        FloatPointer block;
        private float[] blockHeap;
        private short[] blockBits;

        /**
         * For {@code rows} token rows, attention scores of {@code time} queries over {@code slots} keys at a time, and
         * 16-bit weights converted {@code blockFloats} at a time.
         */
        Scratch(LlamaConfig c, int rows, int time, int slots, FloatPointer keys, FloatPointer values, int blockFloats) {
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
            scores = keys == null ? null : new FloatPointer((long) time * slots);
            cos = new float[rows * (c.headDim() / 2)];
            sin = new float[rows * (c.headDim() / 2)];
            int longest = Math.max(slots + VECTOR_PADDING, Math.max(c.hiddenSize(), c.intermediateSize()));
            row = new float[longest];
            row2 = new float[longest];
            heads = new Heads[Workers.threads()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = new Heads(c.headDim(), longest);
            }
            qAt = new FloatPointer(q);
            attAt = new FloatPointer(att);
            keysAt = keys == null ? null : new FloatPointer(keys);
            valuesAt = keys == null ? null : new FloatPointer(values);
            this.blockFloats = blockFloats;
            blockCapacity = Math.max(blockFloats, Math.max(Math.max(c.hiddenSize(), c.intermediateSize()), (int) qd));
        }

        /** RoPE's cos and sin of each token row's position, {@code [rows, headDim / 2]} ({@link #rotations}). */
        final float[] cos, sin;

        /**
         * Fills {@link #cos} and {@link #sin} for the rows' positions {@code [batch][time]} once per forward pass, for
         * every layer (computed in each layer, for queries and keys, they were 2 × layers times as many calls).
         */
        void rotations(int[][] positions, float[] invFreq) {
            int half = invFreq.length;
            for (int b = 0, r = 0; b < positions.length; b++) {
                for (int t = 0; t < positions[b].length; t++, r++) {
                    for (int i = 0; i < half; i++) {
                        float angle = positions[b][t] * invFreq[i];
                        cos[r * half + i] = (float) Math.cos(angle);
                        sin[r * half + i] = (float) Math.sin(angle);
                    }
                }
            }
        }

        /** Heap copies of a {@link PanelGemm} product's input and output. */
        private float[] panelIn = new float[0], panelOut = new float[0];

        /** A heap array of at least {@code n} floats for a {@link PanelGemm} product's input rows. */
        float[] panelIn(int n) {
            return panelIn = atLeast(panelIn, n);
        }

        /** A heap array of at least {@code n} floats for a {@link PanelGemm} product's output rows. */
        float[] panelOut(int n) {
            return panelOut = atLeast(panelOut, n);
        }

        /** The last-position logits {@code [batch, vocab]} a decoding step returns, made once per scratch. */
        private INDArray lastLogits;

        /**
         * An array {@code [batch, vocab]} for a step's last-position logits, the same every call: a fresh 1–2 MB
         * native array per step cost 1–9 ms here (new pages from the OS each time), more than a 56M model's step
         * at batch 16 spends in its attention.
         */
        INDArray lastLogits(int batch, int vocab) {
            if (lastLogits == null || lastLogits.size(0) != batch || lastLogits.size(1) != vocab) {
                lastLogits = Nd4j.createUninitialized(DataType.FLOAT, new long[]{batch, vocab}, 'c');
            }
            return lastLogits;
        }

        /** {@code a}, or a new array at least twice as long when it is shorter than {@code n}. */
        private static float[] atLeast(float[] a, int n) {
            return a.length >= n ? a : new float[Math.max(n, 2 * a.length)];
        }

        /**
         * Elements {@code [from, from + count)} of {@code weight} as float32 into {@link #block}; a large block is
         * split between {@link Workers} (the conversion, not the product, is what takes the time).
         */
        void convert(Loops loops, HalfTensor weight, long from, int count) {
            if (block == null) {
                block = new FloatPointer(blockCapacity);
                blockHeap = new float[blockCapacity];
                blockBits = new short[blockCapacity];
            }
            int parts = count < PARALLEL_CONVERT ? 1 : Workers.threads();
            Workers.split(count, parts, (part, first, end) -> convert(loops, weight, from, first, end - first));
        }

        private void convert(Loops loops, HalfTensor weight, long from, int at, int count) {
            loops.toFloats(weight, from + at, count, blockHeap, blockBits, at);
            block.asBuffer().put(at, blockHeap, at, count);
        }

        /** Floats from which a block's conversion is split between {@link Workers}. */
        private static final int PARALLEL_CONVERT = 1 << 16;

        /** The heap arrays one thread's Vector API attention runs on. */
        static final class Heads {
            /** Two queries' head vectors (a pair of query heads of one KV head). */
            final float[][] q;
            /** One query's attention output. */
            final float[] out;
            /** Two queries' scores, then probabilities, over the slots (and a vector of padding). */
            final float[][] scores;

            Heads(int headDim, int slots) {
                q = new float[2][headDim];
                out = new float[headDim];
                scores = new float[2][slots];
            }
        }
    }
}
