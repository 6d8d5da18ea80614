package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * Masked multi-head attention with grouped KV heads over a whole sequence, and its backward, on BLAS products and
 * {@link Loops}' softmax: the training graph's attention core, computed outside SameDiff. Queries, keys, values and
 * outputs are in the projections' layout ({@code [B·T, heads·hd]}, a head's rows {@code heads·hd} apart), so nothing is
 * permuted; each (row, query head) is two products of {@code [T, hd]} by {@code [hd, T]} and back.
 * <p>
 * Why: SameDiff M2.1 runs the same attention as batched products at 8–10 GFLOP/s and a softmax and its backward at
 * 6–8 ns an element on one thread: 320 ms of a 56M model's 1.9 s training step at B 4 × T 128 (per-op profile);
 * here the (row, KV head) groups are split between the cores, each with its own small products, about 150 ms.
 * While it runs, OpenBLAS is held to one thread for the whole process (other callers' products are slower then,
 * not wrong).
 * <p>
 * All arrays are row-major float memory ({@link #floats}); the probabilities and the backward's scratch hold
 * {@link #probabilityFloats} floats.
 */
public final class BlasAttention {
    private final int batch, time, heads, kvHeads, headDim;
    private final float scale;
    private final Loops loops = Loops.best();

    /**
     * @param batch    B, rows of the batch
     * @param time     T, positions of each row (queries and keys alike)
     * @param heads    query heads
     * @param kvHeads  key/value heads (a divisor of {@code heads}; query head {@code h} reads KV head
     *                 {@code h / (heads / kvHeads)})
     * @param headDim  hd, floats of a head
     */
    public BlasAttention(int batch, int time, int heads, int kvHeads, int headDim) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads do not group evenly over " + kvHeads + " KV heads");
        }
        if ((long) batch * heads * time * time > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention probabilities of " + batch + " rows × " + heads + " heads × " + time + "² positions"
                    + " exceed 2^31 floats: use fewer rows a batch or shorter sequences");
        }
        this.batch = batch;
        this.time = time;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** Floats of the probabilities (and of the backward's scratch): {@code B·heads·T·T}. */
    public long probabilityFloats() {
        return (long) batch * heads * time * time;
    }

    /**
     * {@code out = softmax(q·kᵀ/√hd + mask)·v} per row and head.
     *
     * @param q     {@code [B·T, heads·hd]}
     * @param k     {@code [B·T, kvHeads·hd]}
     * @param v     as {@code k}
     * @param mask  {@code [B, T, T]} added to the scores ({@link AttentionMask}: 0 or {@link AttentionMask#MASKED})
     * @param probs receives the probabilities {@code [B, heads, T, T]}, which {@link #backward} needs
     * @param out   receives {@code [B·T, heads·hd]}
     */
    public void forward(FloatPointer q, FloatPointer k, FloatPointer v, float[] mask, FloatPointer probs, FloatPointer out) {
        int qd = heads * headDim, kd = kvHeads * headDim, rep = heads / kvHeads, tt = time * time;
        FloatBuffer all = probs.asBuffer();
        float[][] rows = new float[Workers.threads()][time];
        onOneBlasThreadEach(batch * kvHeads, (part, group) -> {
            int b = group / kvHeads, kv = group % kvHeads;
            float[] row = rows[part];
            for (int h = kv * rep; h < (kv + 1) * rep; h++) {
                long at = (long) (b * heads + h) * tt;
                FloatPointer p = at(probs, at);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, time, time, headDim, scale,
                        at(q, rowHead(b, h, qd)), qd, at(k, rowHead(b, kv, kd)), kd, 0f, p, time);
                for (int t = 0; t < time; t++) {
                    int from = (int) (at + (long) t * time), maskRow = (b * time + t) * time;
                    all.get(from, row, 0, time);
                    for (int j = 0; j < time; j++) {
                        row[j] += mask[maskRow + j];
                    }
                    loops.softmax(row, 0, time);
                    all.put(from, row, 0, time);
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, time, headDim, time, 1f,
                        p, time, at(v, rowHead(b, kv, kd)), kd, 0f, at(out, rowHead(b, h, qd)), qd);
            }
        });
    }

    /**
     * Gradients of a loss with respect to {@link #forward}'s {@code q}, {@code k} and {@code v}, given its gradient
     * {@code dOut} with respect to {@code out}: with {@code P} the probabilities,
     * {@code dv = Pᵀ·dOut}, {@code dS = P ⊙ (dOut·vᵀ − rowsum(P ⊙ dOut·vᵀ))}, {@code dq = dS·k/√hd},
     * {@code dk = dSᵀ·q/√hd}, the KV heads' summed over the query heads that read them.
     *
     * @param scratch {@link #probabilityFloats} floats of working memory
     */
    public void backward(FloatPointer q, FloatPointer k, FloatPointer v, FloatPointer probs, FloatPointer dOut,
                         FloatPointer scratch, FloatPointer dq, FloatPointer dk, FloatPointer dv) {
        int qd = heads * headDim, kd = kvHeads * headDim, rep = heads / kvHeads, tt = time * time;
        FloatBuffer pAll = probs.asBuffer(), sAll = scratch.asBuffer();
        float[][] rows = new float[Workers.threads()][2 * time];
        onOneBlasThreadEach(batch * kvHeads, (part, group) -> {
            int b = group / kvHeads, kv = group % kvHeads;
            float[] row = rows[part];
            FloatPointer kh = at(k, rowHead(b, kv, kd)), vh = at(v, rowHead(b, kv, kd));
            FloatPointer dkh = at(dk, rowHead(b, kv, kd)), dvh = at(dv, rowHead(b, kv, kd));
            for (int h = kv * rep; h < (kv + 1) * rep; h++) {
                long at = (long) (b * heads + h) * tt;
                FloatPointer p = at(probs, at), ds = at(scratch, at), d = at(dOut, rowHead(b, h, qd));
                float beta = h == kv * rep ? 0f : 1f; // the first query head of a KV head writes, the others add
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, time, headDim, time, 1f, p, time, d, qd, beta, dvh, kd);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, time, time, headDim, 1f, d, qd, vh, kd, 0f, ds, time);
                for (int t = 0; t < time; t++) {
                    int from = (int) (at + (long) t * time);
                    pAll.get(from, row, 0, time);
                    sAll.get(from, row, time, time);
                    float dot = 0;
                    for (int j = 0; j < time; j++) {
                        dot += row[j] * row[time + j];
                    }
                    for (int j = 0; j < time; j++) {
                        row[time + j] = row[j] * (row[time + j] - dot);
                    }
                    sAll.put(from, row, time, time);
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, time, headDim, time, scale, ds, time, kh, kd, 0f,
                        at(dq, rowHead(b, h, qd)), qd);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, time, headDim, time, scale, ds, time,
                        at(q, rowHead(b, h, qd)), qd, beta, dkh, kd);
            }
        });
    }

    /** One group's work: {@code part} numbers the thread (for scratch), {@code group} is {@code b·kvHeads + kvHead}. */
    @FunctionalInterface
    private interface GroupWork {
        void run(int part, int group);
    }

    /**
     * The groups split between {@link Workers}, each running its small products on its own thread with OpenBLAS held
     * to one thread meanwhile. Measured inside the 56M training step (8 layers, B 4 × T 128): forward 65 ms and
     * backward 87 against 126 and 303 with the groups in turn and OpenBLAS's own threads on each product of a few
     * MFLOP, whose waking and contention with the graph's threads cost more than the products.
     */
    private static void onOneBlasThreadEach(int groups, GroupWork work) {
        BlasThreads.hold();
        try {
            Workers.split(groups, Workers.threads(), (part, from, to) -> {
                for (int g = from; g < to; g++) {
                    work.run(part, g);
                }
            });
        } finally {
            Workers.rest(); // the graph's next op is likely a product on OpenBLAS's threads
            BlasThreads.release();
        }
    }

    /** Offset of row {@code b}'s first position in head {@code h} of a {@code [B·T, width]} array. */
    private long rowHead(int b, int h, int width) {
        return (long) b * time * width + (long) h * headDim;
    }

    /** A new pointer {@code offset} floats past where {@code base} points ({@code base} itself unchanged). */
    static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    /** The memory of {@code a} (row-major, its own or a whole-buffer view from offset 0) as a pointer to its floats. */
    public static FloatPointer floats(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0) {
            throw new IllegalArgumentException("need a row-major array of its own, got a view of shape " + Arrays.toString(a.shape()));
        }
        return new FloatPointer(a.data().addressPointer()).capacity(a.length());
    }

    /** Floats a direct buffer may span (its capacity counts bytes, under 2³¹), a whole number of 1024-float chunks. */
    public static final int BUFFER_FLOATS = 1 << 28;

    /** Rows {@code [first, first + count)} of {@code width} floats of {@code a} ({@link #floats}) as a buffer. */
    public static FloatBuffer rows(INDArray a, long first, int count, int width) {
        return floats(a).position(first * width).limit((first + count) * width).asBuffer();
    }

    /** {@link #floats} as a buffer (row-major arrays under 2³¹ floats). */
    public static FloatBuffer floatBuffer(INDArray a) {
        return floats(a).asBuffer();
    }
}
