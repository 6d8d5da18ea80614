package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One AdamW update of a parameter in a single pass over its memory, split between {@link Workers}: reads the
 * parameter, its gradient and both moments once and writes the parameter and the moments once, where the same
 * update as ND4J ops makes about fifteen passes, each on one thread (56M parameters: 1.9 s a step that way).
 * The arithmetic is that of PyTorch 1.13's {@code torch.optim.AdamW} single-tensor step in float, in its order and
 * with the fused multiply-adds its vectorised {@code add_(g, alpha)} and {@code addcmul_} use (bit for bit the same
 * on its fixture):
 * <pre>
 * θ ← θ·decay;  m ← fma(g, 1 − β₁, m·β₁);  v ← fma((1 − β₂)·g, g, v·β₂)
 * θ ← θ + (−stepSize)·m / (√v / √bias₂ + ε)
 * </pre>
 */
public final class FusedAdamW {
    /** Floats of each array a part copies to the heap at a time: four such chunks stay in the core's L1 cache. */
    private static final int CHUNK = 1024;

    private FusedAdamW() {
    }

    /**
     * The step's scalars, each rounded to float as torch passes a Python float to a float tensor's op.
     *
     * @param decay        {@code 1 − lr·weightDecay}
     * @param beta1        {@code β₁}
     * @param firstWeight  {@code 1 − β₁}
     * @param beta2        {@code β₂}
     * @param secondWeight {@code 1 − β₂}
     * @param bias2Sqrt    {@code √(1 − β₂^t)}
     * @param eps          {@code ε}
     * @param stepSize     {@code lr / (1 − β₁^t)}
     */
    public record Scalars(float decay, float beta1, float firstWeight, float beta2, float secondWeight, float bias2Sqrt,
                          float eps, float stepSize) {
    }

    /**
     * Whether {@link #step} takes these arrays: float, row-major with the default strides, each in memory of its own
     * from its start, all of one length.
     */
    public static boolean accepts(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.isView() || a.ordering() != 'c' || a.offset() != 0
                    || a.length() != arrays[0].length() || !Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c'))) {
                return false;
            }
        }
        return true;
    }

    /** Updates {@code param}, {@code m} and {@code v} in place from {@code grad}; all four {@link #accepts accepted}. */
    public static void step(INDArray param, INDArray grad, INDArray m, INDArray v, Scalars s) {
        step(param, grad, m, v, s, BlasAttention.BUFFER_FLOATS);
    }

    /** {@link #step} over slices of at most {@code slice} floats (whole chunks), one buffer of each array a slice. */
    static void step(INDArray param, INDArray grad, INDArray m, INDArray v, Scalars s, int slice) {
        if (!accepts(param, grad, m, v)) {
            throw new IllegalArgumentException("AdamW's one-pass update needs float row-major arrays of their own, of one"
                    + " length");
        }
        for (long from = 0; from < param.length(); from += slice) {
            int n = (int) Math.min(slice, param.length() - from);
            step(BlasAttention.rows(param, from, n, 1), BlasAttention.rows(grad, from, n, 1), BlasAttention.rows(m, from, n, 1),
                    BlasAttention.rows(v, from, n, 1), n, s);
        }
    }

    private static void step(FloatBuffer param, FloatBuffer grad, FloatBuffer m, FloatBuffer v, int n, Scalars s) {
        int threads = Workers.threads(), chunks = (n + CHUNK - 1) / CHUNK;
        float[][] scratch = new float[threads * 4][CHUNK];
        Workers.split(chunks, threads, (part, from, to) -> {
            float[] ps = scratch[4 * part], gs = scratch[4 * part + 1], ms = scratch[4 * part + 2], vs = scratch[4 * part + 3];
            for (int c = from; c < to; c++) {
                int start = c * CHUNK, len = Math.min(CHUNK, n - start);
                param.get(start, ps, 0, len);
                grad.get(start, gs, 0, len);
                m.get(start, ms, 0, len);
                v.get(start, vs, 0, len);
                update(ps, gs, ms, vs, len, s);
                param.put(start, ps, 0, len);
                m.put(start, ms, 0, len);
                v.put(start, vs, 0, len);
            }
        });
    }

    private static void update(float[] p, float[] g, float[] m, float[] v, int len, Scalars s) {
        float decay = s.decay(), beta1 = s.beta1(), w1 = s.firstWeight(), beta2 = s.beta2(), w2 = s.secondWeight();
        float bias2Sqrt = s.bias2Sqrt(), eps = s.eps(), negStep = -s.stepSize();
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            float mi = Math.fma(gi, w1, m[i] * beta1);
            float vi = Math.fma(w2 * gi, gi, v[i] * beta2);
            float denom = (float) Math.sqrt(vi) / bias2Sqrt + eps;
            p[i] = p[i] * decay + negStep * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
