package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Softmax of each row of a float matrix, in place, with each row's log-sum-exp: {@link Loops#softmax} (as
 * {@link BlasLlama}'s attention; the Vector API where the JVM has it) with rows split between {@link Workers}. For the
 * training graph's vocabulary-wide head: ND4J's element-wise ops (maximum, shift, exponentials, sum, divide) made a
 * pass each on one thread, 140 ms for 512 rows of 32,000 on a 2-core machine.
 */
public final class SoftmaxRows {
    private SoftmaxRows() {
    }

    /**
     * @param rows a row-major block of {@code count} rows of {@code width} floats from position 0 (an ND4J array's
     *             memory, say)
     * @return each row's {@code log Σ_j exp(x_j)}, from its maximum and the sum of the shifted exponentials
     */
    public static double[] inPlace(FloatBuffer rows, int count, int width) {
        if ((long) count * width > rows.capacity()) {
            throw new IllegalArgumentException(count + " rows of " + width + " do not fit a buffer of " + rows.capacity());
        }
        Loops loops = Loops.best();
        double[] logSumExp = new double[count];
        float[][] scratch = new float[Workers.threads()][width];
        Workers.split(count, Workers.threads(), (part, from, to) -> {
            float[] row = scratch[part];
            for (int r = from; r < to; r++) {
                rows.get(r * width, row, 0, width);
                logSumExp[r] = loops.softmax(row, 0, width);
                rows.put(r * width, row, 0, width);
            }
        });
        Workers.rest(); // callers multiply next, on OpenBLAS's threads
        return logSumExp;
    }

    /**
     * Log-softmax over the last axis of {@code a} in place, {@code x − log Σ_j exp(x_j)} per row, in blocks of rows
     * that a buffer can address: for a reference model's log-probabilities over the vocabulary, where ND4J's
     * {@code logSoftmax} took ~90 ms on one thread for 384 rows of 32,000.
     *
     * @param a float, row-major, memory of its own from its start ({@link BlasAttention#floats})
     */
    public static void logInPlace(INDArray a) {
        int width = (int) a.size(a.rank() - 1), block = Math.max(1, BlasAttention.BUFFER_FLOATS / width);
        long count = a.length() / width;
        Loops loops = Loops.best();
        float[][] scratch = new float[Workers.threads()][width], shifted = new float[Workers.threads()][width];
        for (long first = 0; first < count; first += block) {
            int rows = (int) Math.min(block, count - first);
            FloatBuffer buffer = BlasAttention.rows(a, first, rows, width);
            Workers.split(rows, Workers.threads(), (part, from, to) -> {
                float[] row = scratch[part], work = shifted[part];
                for (int r = from; r < to; r++) {
                    buffer.get(r * width, row, 0, width);
                    System.arraycopy(row, 0, work, 0, width);
                    double logSumExp = loops.softmax(work, 0, width);
                    for (int j = 0; j < width; j++) {
                        row[j] = (float) (row[j] - logSumExp);
                    }
                    buffer.put(r * width, row, 0, width);
                }
            });
        }
    }
}
