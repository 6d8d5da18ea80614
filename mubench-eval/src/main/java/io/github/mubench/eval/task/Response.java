package io.github.mubench.eval.task;

/**
 * A model's answer to one {@link Request}, as stored and exported.
 *
 * @param text        the generated text ({@code Generate}), else {@code null}
 * @param logprob     the summed log-probability ({@code Loglikelihood}, {@code Rolling}), else NaN
 * @param greedy      whether the continuation is the model's greedy one ({@code Loglikelihood})
 * @param tokens      generated tokens, or tokens scored
 * @param truncated   whether the prompt was cut from the left to fit the model's context
 * @param seconds     compute time of the batch this answer came from, divided by its size
 */
public record Response(String text, double logprob, boolean greedy, int tokens, boolean truncated, double seconds) {
}
