package io.github.mubench.tensor.model;

import java.nio.FloatBuffer;

/**
 * The reference side of {@code KL(π_ref ‖ π_θ) = Σ_j r_j·(log r_j − log p_j)} for each row of a vocabulary-wide head,
 * rows split between {@link Workers}: the training graph's KL terms, computed outside SameDiff, whose element-wise
 * ops over {@code [B·T, V]} each made a pass on one thread.
 */
public final class KlRows {
    private KlRows() {
    }

    /**
     * For each of {@code count} rows of {@code width}: {@code r = exp(ref)} into {@code referenceProbs} (the
     * reference's log-probabilities {@code ref} exponentiated by {@link FastExp}), and, in double precision,
     * {@code Σ_j r_j·(ref_j − logit_j)} and {@code Σ_j r_j}. With the row's log-sum-exp {@code L} of the logits,
     * the row's KL is the first plus the second times {@code L}.
     *
     * @return the two sums of row {@code i} at {@code 2i} and {@code 2i + 1}
     */
    public static double[] referenceTerms(FloatBuffer logits, FloatBuffer referenceLogProbs, FloatBuffer referenceProbs,
                                          int count, int width) {
        Loops loops = Loops.best();
        double[] sums = new double[2 * count];
        int threads = Workers.threads();
        float[][] refs = new float[threads][width], probs = new float[threads][width], logitRows = new float[threads][width];
        Workers.split(count, threads, (part, from, to) -> {
            float[] ref = refs[part], r = probs[part], logit = logitRows[part];
            for (int row = from; row < to; row++) {
                referenceLogProbs.get(row * width, ref, 0, width);
                logits.get(row * width, logit, 0, width);
                System.arraycopy(ref, 0, r, 0, width);
                sums[2 * row + 1] = loops.expShifted(r, 0, width, 0f);
                double cross = 0;
                for (int j = 0; j < width; j++) {
                    cross += r[j] * ((double) ref[j] - logit[j]);
                }
                sums[2 * row] = cross;
                referenceProbs.put(row * width, r, 0, width);
            }
        });
        return sums;
    }

    /**
     * {@code referenceProbs ← mass·probs − referenceProbs} row by row over {@code count} rows of {@code width}
     * ({@code mass[i]} for row {@code i}: the reference's {@code Σr}, which makes it the exact derivative of the KL as
     * {@link #referenceTerms} computes it).
     */
    public static void difference(FloatBuffer probs, double[] mass, FloatBuffer referenceProbs, int count, int width) {
        int threads = Workers.threads();
        float[][] ps = new float[threads][width], rs = new float[threads][width];
        Workers.split(count, threads, (part, from, to) -> {
            float[] p = ps[part], r = rs[part];
            for (int row = from; row < to; row++) {
                probs.get(row * width, p, 0, width);
                referenceProbs.get(row * width, r, 0, width);
                float m = (float) mass[row];
                for (int j = 0; j < width; j++) {
                    r[j] = m * p[j] - r[j];
                }
                referenceProbs.put(row * width, r, 0, width);
            }
        });
        Workers.rest(); // callers multiply next, on OpenBLAS's threads
    }
}
