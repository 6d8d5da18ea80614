package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

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
 * 6–8 ns an element on one thread: 320 ms of a 56M model's 1.9 s training step at B 4 × T 128 (per-op profile); a
 * product per head through OpenBLAS runs near its 2-D speed.
 * <p>
 * All arrays are row-major float memory ({@link #floats}); {@code scores} has room for {@code B·heads·T·T} floats.
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
        Workers.rest(); // OpenBLAS's threads take the cores
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, time, time, headDim, scale,
                        at(q, rowHead(b, h, qd)), qd, at(k, rowHead(b, h / rep, kd)), kd, 0f, at(probs, (long) (b * heads + h) * tt), time);
            }
        }
        FloatBuffer p = probs.asBuffer();
        float[][] rows = new float[Workers.threads()][time];
        Workers.split(batch * heads * time, Workers.threads(), (part, from, to) -> {
            float[] row = rows[part];
            for (int r = from; r < to; r++) {
                int b = r / (heads * time), t = r % time, maskRow = (b * time + t) * time;
                p.get(r * time, row, 0, time);
                for (int j = 0; j < time; j++) {
                    row[j] += mask[maskRow + j];
                }
                loops.softmax(row, 0, time);
                p.put(r * time, row, 0, time);
            }
        });
        Workers.rest();
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, time, headDim, time, 1f,
                        at(probs, (long) (b * heads + h) * tt), time, at(v, rowHead(b, h / rep, kd)), kd, 0f, at(out, rowHead(b, h, qd)), qd);
            }
        }
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
        Workers.rest();
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                FloatPointer p = at(probs, (long) (b * heads + h) * tt), d = at(dOut, rowHead(b, h, qd));
                float beta = h % rep == 0 ? 0f : 1f; // the first query head of a KV head writes, the others add
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, time, headDim, time, 1f, p, time, d, qd, beta,
                        at(dv, rowHead(b, h / rep, kd)), kd);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, time, time, headDim, 1f, d, qd,
                        at(v, rowHead(b, h / rep, kd)), kd, 0f, at(scratch, (long) (b * heads + h) * tt), time);
            }
        }
        FloatBuffer p = probs.asBuffer(), s = scratch.asBuffer();
        float[][] rows = new float[Workers.threads()][2 * time];
        Workers.split(batch * heads * time, Workers.threads(), (part, from, to) -> {
            float[] row = rows[part];
            for (int r = from; r < to; r++) {
                p.get(r * time, row, 0, time);
                s.get(r * time, row, time, time);
                float dot = 0;
                for (int j = 0; j < time; j++) {
                    dot += row[j] * row[time + j];
                }
                for (int j = 0; j < time; j++) {
                    row[time + j] = row[j] * (row[time + j] - dot);
                }
                s.put(r * time, row, time, time);
            }
        });
        Workers.rest();
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                FloatPointer ds = at(scratch, (long) (b * heads + h) * tt);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, time, headDim, time, scale, ds, time,
                        at(k, rowHead(b, h / rep, kd)), kd, 0f, at(dq, rowHead(b, h, qd)), qd);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, time, headDim, time, scale, ds, time,
                        at(q, rowHead(b, h, qd)), qd, h % rep == 0 ? 0f : 1f, at(dk, rowHead(b, h / rep, kd)), kd);
            }
        }
    }

    /** Offset of row {@code b}'s first position in head {@code h} of a {@code [B·T, width]} array. */
    private long rowHead(int b, int h, int width) {
        return (long) b * time * width + (long) h * headDim;
    }

    private static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    /** The memory of {@code a} (row-major, its own or a whole-buffer view from offset 0) as a pointer to its floats. */
    public static FloatPointer floats(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0) {
            throw new IllegalArgumentException("need a row-major array of its own, got a view of shape " + java.util.Arrays.toString(a.shape()));
        }
        return new FloatPointer(a.data().addressPointer()).capacity(a.length());
    }
}
