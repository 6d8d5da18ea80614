package io.github.mubench.tensor.model;

import java.nio.FloatBuffer;

/**
 * RMSNorm {@code a = x · r · g}, {@code r = (mean(x²) + eps)^-½} per row, and its backward, on float rows split
 * between {@link Workers}: the training graph's sub-layers' norms, computed outside SameDiff. Row sums in double
 * precision.
 */
public final class RmsNormRows {
    private RmsNormRows() {
    }

    /** {@code out = norm(x)} for {@code rows × d} row-major {@code x}; each row's {@code r} into {@code inverseRms}. */
    public static void forward(FloatBuffer x, FloatBuffer out, float[] gain, double eps, float[] inverseRms, int rows, int d) {
        float[][] scratch = new float[Workers.threads()][d];
        Workers.split(rows, Workers.threads(), (part, from, to) -> {
            float[] row = scratch[part];
            for (int r = from; r < to; r++) {
                x.get(r * d, row);
                double sum = 0;
                for (float v : row) {
                    sum += v * v;
                }
                float scale = (float) (1 / Math.sqrt(sum / d + eps));
                inverseRms[r] = scale;
                for (int j = 0; j < d; j++) {
                    row[j] = row[j] * scale * gain[j];
                }
                out.put(r * d, row);
            }
        });
        Workers.rest(); // the sub-layer's products come next, on OpenBLAS's threads
    }

    /** Rows a block of {@link #backward} sums the gain's gradient over, in row order: the same sums whoever runs it. */
    private static final int BLOCK_ROWS = 32;

    /**
     * Given {@code da}, the loss's gradient with respect to {@link #forward}'s output for input {@code x}:
     * {@code dx = r · g ⊙ da − x · r³/d · Σ_j da_j g_j x_j} per row ({@code dx} may be {@code da}'s memory), and the
     * gain's gradient {@code Σ_rows da ⊙ x · r} (when {@code gainGradient}, of length {@code d}, is not null), summed
     * in blocks of rows in a fixed order so that every run gives the same bits.
     */
    public static void backward(FloatBuffer x, float[] inverseRms, float[] gain, FloatBuffer da, FloatBuffer dx,
                                float[] gainGradient, int rows, int d) {
        int threads = Workers.threads(), blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        float[][] xScratch = new float[threads][d], dScratch = new float[threads][d];
        double[][] gainBlocks = gainGradient != null ? new double[blocks][d] : null;
        Workers.split(blocks, threads, 1, (part, from, to) -> {
            float[] xs = xScratch[part], ds = dScratch[part];
            for (int b = from; b < to; b++) {
                double[] gainBlock = gainBlocks != null ? gainBlocks[b] : null;
                for (int r = b * BLOCK_ROWS; r < Math.min(rows, (b + 1) * BLOCK_ROWS); r++) {
                    x.get(r * d, xs);
                    da.get(r * d, ds);
                    float scale = inverseRms[r];
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += (double) ds[j] * gain[j] * xs[j];
                    }
                    if (gainBlock != null) {
                        for (int j = 0; j < d; j++) {
                            gainBlock[j] += (double) ds[j] * xs[j] * scale;
                        }
                    }
                    float coefficient = (float) (dot * scale * scale * scale / d);
                    for (int j = 0; j < d; j++) {
                        ds[j] = scale * gain[j] * ds[j] - xs[j] * coefficient;
                    }
                    dx.put(r * d, ds);
                }
            }
        });
        Workers.rest();
        if (gainGradient != null) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (double[] block : gainBlocks) {
                    sum += block[j];
                }
                gainGradient[j] = (float) sum;
            }
        }
    }
}
