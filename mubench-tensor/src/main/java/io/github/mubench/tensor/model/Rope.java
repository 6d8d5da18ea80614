package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Rotary position embedding in HF's rotate-half form: {@code x·cos + rotateHalf(x)·sin}, where
 * {@code rotateHalf([a, b]) = [-b, a]} over the two halves of each head.
 */
public final class Rope {
    private final float[] invFreq;

    /** Frequencies for one head, with the config's scaling applied. */
    public Rope(LlamaConfig config) {
        this.invFreq = inverseFrequencies(config);
    }

    /** θ^(−2i/headDim) for i < headDim/2, then scaled as {@code rope_scaling} says. */
    static float[] inverseFrequencies(LlamaConfig c) {
        int half = c.headDim() / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim()));
        }
        RopeScaling s = c.ropeScaling();
        if (s == null || s.type().equals("default")) {
            return f;
        }
        if (s.type().equals("linear")) {
            for (int i = 0; i < half; i++) {
                f[i] = (float) (f[i] / s.factor());
            }
            return f;
        }
        // llama3: keep high frequencies, divide low ones by factor, interpolate smoothly in between.
        double lowWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / f[i];
            if (wavelen > lowWavelen) {
                f[i] = (float) (f[i] / s.factor());
            } else if (wavelen >= highWavelen) {
                double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                f[i] = (float) ((1 - smooth) * f[i] / s.factor() + smooth * f[i]);
            }
        }
        return f;
    }

    /**
     * cos and sin tables {@code [B, 1, T, headDim]} for the given positions {@code [B][T]}, broadcastable over heads.
     *
     * @return {cos, sin}
     */
    public INDArray[] tables(int[][] positions) {
        int b = positions.length, t = positions[0].length, half = invFreq.length, hd = 2 * half;
        float[] cos = new float[b * t * hd], sin = new float[b * t * hd];
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < t; p++) {
                int base = (r * t + p) * hd;
                for (int i = 0; i < half; i++) {
                    float angle = positions[r][p] * invFreq[i];
                    float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + half + i] = c;
                    sin[base + i] = s;
                    sin[base + half + i] = s;
                }
            }
        }
        long[] shape = {b, 1, t, hd};
        return new INDArray[]{Nd4j.create(cos, shape, 'c'), Nd4j.create(sin, shape, 'c')};
    }

    /**
     * {@code R [headDim, headDim]} with {@code [a, b]·R = [−b, a]} over the two halves of a head: rotate-half as a
     * product, for graphs where a GEMM is cheaper than slicing and concatenating.
     */
    public static INDArray rotateHalfMatrix(int headDim) {
        int half = headDim / 2;
        float[] r = new float[headDim * headDim];
        for (int j = 0; j < half; j++) {
            r[(j + half) * headDim + j] = -1f;
            r[j * headDim + j + half] = 1f;
        }
        return Nd4j.create(r, new long[]{headDim, headDim}, 'c');
    }

    /**
     * Rotates every head of each row of {@code x} ({@code rows × width} floats, row-major, heads of {@code headDim}
     * side by side) in place: {@code [a, b] → [a·cos − b·sin, b·cos + a·sin]} over a head's two halves, or with
     * {@code transposed} the transposed rotation {@code [a·cos + b·sin, b·cos − a·sin]}, which carries a gradient of
     * the rotated values back to the values before. {@code cos} and {@code sin} hold a row's angles in their first
     * {@code headDim / 2} columns of each row of {@code tableWidth} (a {@link #tables} row repeated per head will do).
     */
    public static void rotateRows(FloatBuffer x, int rows, int width, int headDim, float[] cos, float[] sin, int tableWidth,
                                  boolean transposed) {
        int half = headDim / 2;
        float sign = transposed ? -1f : 1f;
        float[] row = new float[width];
        for (int r = 0; r < rows; r++) {
            x.get(r * width, row, 0, width);
            for (int head = 0; head < width; head += headDim) {
                for (int i = 0; i < half; i++) {
                    float a = row[head + i], b = row[head + half + i];
                    float c = cos[r * tableWidth + i], s = sign * sin[r * tableWidth + i];
                    row[head + i] = a * c - b * s;
                    row[head + half + i] = b * c + a * s;
                }
            }
            x.put(r * width, row, 0, width);
        }
    }

    /** Applies the rotation to {@code x [B, heads, T, headDim]}. */
    public static INDArray apply(INDArray x, INDArray cos, INDArray sin) {
        long hd = x.size(3), half = hd / 2;
        INDArray first = x.get(all(), all(), all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, half));
        INDArray second = x.get(all(), all(), all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(half, hd));
        INDArray rotated = Nd4j.concat(3, second.neg(), first);
        return x.mul(cos).addi(rotated.muli(sin));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }
}
