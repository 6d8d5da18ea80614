package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.score.Logits;

/**
 * One token's log-probability under the model, with the most likely alternatives at its position (what OpenAI-style
 * APIs report as {@code logprobs}).
 *
 * @param token       the token's id
 * @param logprob     its natural-log probability
 * @param topTokens   the most likely tokens at this position, most likely first (the first of equal ones on ties)
 * @param topLogprobs their log-probabilities
 */
public record TokenLogprob(int token, double logprob, int[] topTokens, double[] topLogprobs) {

    /** {@code token}'s log-softmax in {@code logits} (computed in double precision) with the {@code k} most likely tokens. */
    public static TokenLogprob of(float[] logits, int token, int k) {
        double logNorm = Logits.logSumExp(logits);
        int n = Math.min(k, logits.length);
        int[] top = new int[n];
        double[] topLp = new double[n];
        // one pass keeping the n best in order (insertion into a short sorted list); on ties the first index wins
        int kept = 0;
        for (int i = 0; i < logits.length && n > 0; i++) {
            float v = logits[i];
            if (kept == n && v <= logits[top[n - 1]]) {
                continue;
            }
            int at = kept < n ? kept++ : n - 1;
            while (at > 0 && logits[top[at - 1]] < v) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        for (int j = 0; j < n; j++) {
            topLp[j] = logits[top[j]] - logNorm;
        }
        return new TokenLogprob(token, logits[token] - logNorm, top, topLp);
    }
}
