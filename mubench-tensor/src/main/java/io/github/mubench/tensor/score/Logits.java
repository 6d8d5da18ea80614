package io.github.mubench.tensor.score;

/** Small numeric helpers over one row of logits, computed in double precision. */
public final class Logits {
    private Logits() {
    }

    /** Index of the largest value; the first one on ties, as {@code torch.argmax}. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code log_softmax(logits)[index]}, stable for large logits. */
    public static double logSoftmaxAt(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : logits) {
            sum += Math.exp(f - max);
        }
        return logits[index] - max - Math.log(sum);
    }
}
