package io.github.mubench.tensor.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BlasAttention} against attention written out in double precision, element by element: the forward pass
 * directly, the backward against central finite differences of that double-precision forward (so the backward's
 * formula is checked, not restated). Shapes with one, three and six query heads per KV head, head sizes off the vector
 * lengths, a left-padded row and a sliding window.
 */
class BlasAttentionTest {

    @ParameterizedTest
    @CsvSource({"2, 7, 6, 2, 12, 0", "1, 9, 4, 4, 8, 0", "3, 5, 6, 1, 5, 3"})
    void forwardAndBackwardMatchDoublePrecision(int batch, int time, int heads, int kvHeads, int hd, int window) {
        SplittableRandom random = new SplittableRandom(batch * 1000L + heads);
        int qd = heads * hd, kd = kvHeads * hd, rows = batch * time;
        double[] q = uniform(random, rows * qd), k = uniform(random, rows * kd), v = uniform(random, rows * kd);
        boolean[][] valid = new boolean[batch][time];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                valid[b][t] = b != 0 || t >= 2; // row 0 left-padded by two
            }
        }
        float[] mask = AttentionMask.of(valid, time, time, window == 0 ? null : window).data().asFloat();
        // the loss Σ out ⊙ w, with w 0 at padding queries: their scores are all masked, so in float every key gets the
        // same weight while double precision still sees the scores under −1e9; a model's loss never reads them either
        double[] w = uniform(random, rows * qd);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                for (int j = 0; j < qd && !valid[b][t]; j++) {
                    w[(b * time + t) * qd + j] = 0;
                }
            }
        }
        Reference ref = new Reference(batch, time, heads, kvHeads, hd, mask);

        BlasAttention attention = new BlasAttention(batch, time, heads, kvHeads, hd);
        INDArray qa = floats(q), ka = floats(k), va = floats(v), probs = Nd4j.create(DataType.FLOAT, attention.probabilityFloats());
        INDArray out = Nd4j.create(DataType.FLOAT, rows, qd);
        attention.forward(f(qa), f(ka), f(va), mask, f(probs), f(out));
        double[] expected = ref.forward(q, k, v);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = w[i] == 0 ? out.getDouble(i) : expected[i]; // padding queries: see w
        }
        assertClose(expected, out, 1e-5, "output");

        INDArray dq = Nd4j.create(DataType.FLOAT, rows, qd), dk = Nd4j.create(DataType.FLOAT, rows, kd), dv = Nd4j.create(DataType.FLOAT, rows, kd);
        dk.assign(7); // the first query head of a KV head must overwrite, not add to, what the memory held
        dv.assign(7);
        attention.backward(f(qa), f(ka), f(va), f(probs), f(floats(w)), f(Nd4j.create(DataType.FLOAT, attention.probabilityFloats())), f(dq), f(dk), f(dv));
        assertClose(ref.gradient(q, k, v, w, q), dq, 1e-4, "dq");
        assertClose(ref.gradient(q, k, v, w, k), dk, 1e-4, "dk");
        assertClose(ref.gradient(q, k, v, w, v), dv, 1e-4, "dv");
    }

    /** Attention in double precision, one score at a time. */
    private record Reference(int batch, int time, int heads, int kvHeads, int hd, float[] mask) {
        double[] forward(double[] q, double[] k, double[] v) {
            int qd = heads * hd, kd = kvHeads * hd, rep = heads / kvHeads;
            double[] out = new double[batch * time * qd];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    int kh = h / rep;
                    for (int t = 0; t < time; t++) {
                        double[] s = new double[time];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < time; j++) {
                            double dot = 0;
                            for (int i = 0; i < hd; i++) {
                                dot += q[(b * time + t) * qd + h * hd + i] * k[(b * time + j) * kd + kh * hd + i];
                            }
                            s[j] = dot / Math.sqrt(hd) + mask[(b * time + t) * time + j];
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j < time; j++) {
                            s[j] = Math.exp(s[j] - max);
                            sum += s[j];
                        }
                        for (int j = 0; j < time; j++) {
                            for (int i = 0; i < hd; i++) {
                                out[(b * time + t) * qd + h * hd + i] += s[j] / sum * v[(b * time + j) * kd + kh * hd + i];
                            }
                        }
                    }
                }
            }
            return out;
        }

        /** d(Σ out ⊙ w)/d{@code which} by central differences ({@code which} is one of q, k, v, changed and restored). */
        double[] gradient(double[] q, double[] k, double[] v, double[] w, double[] which) {
            double[] g = new double[which.length];
            double step = 1e-5;
            for (int i = 0; i < which.length; i++) {
                double kept = which[i];
                which[i] = kept + step;
                double up = dot(forward(q, k, v), w);
                which[i] = kept - step;
                double down = dot(forward(q, k, v), w);
                which[i] = kept;
                g[i] = (up - down) / (2 * step);
            }
            return g;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Values that are exactly floats, so that the float and double computations start from the same numbers. */
    private static double[] uniform(SplittableRandom random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-2, 2);
        }
        return a;
    }

    private static INDArray floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return Nd4j.createFromArray(f);
    }

    private static org.bytedeco.javacpp.FloatPointer f(INDArray a) {
        return BlasAttention.floats(a);
    }

    /** Largest difference within {@code tolerance} of the expected values' largest magnitude. */
    private static void assertClose(double[] expected, INDArray actual, double tolerance, String what) {
        float[] a = actual.data().asFloat();
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - a[i]));
        }
        assertTrue(scale > 0.1, what + " is all but zero: the test would prove nothing");
        assertTrue(diff <= tolerance * scale, what + ": max difference " + diff + " against values up to " + scale);
    }
}
