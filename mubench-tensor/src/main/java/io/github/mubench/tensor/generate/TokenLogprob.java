package io.github.mubench.tensor.generate;

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
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : logits) {
            sum += Math.exp(f - max);
        }
        double logNorm = max + Math.log(sum);
        int n = Math.min(k, logits.length);
        int[] top = new int[n];
        double[] topLp = new double[n];
        boolean[] taken = new boolean[logits.length];
        // k passes of selection: k is small (OpenAI allows 5 or 20) and a full sort of the vocabulary is not
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!taken[i] && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            top[j] = best;
            topLp[j] = logits[best] - logNorm;
        }
        return new TokenLogprob(token, logits[token] - logNorm, top, topLp);
    }
}
