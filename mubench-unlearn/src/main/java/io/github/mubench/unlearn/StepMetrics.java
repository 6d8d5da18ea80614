package io.github.mubench.unlearn;

import java.util.Map;

/**
 * One line of {@code metrics.jsonl}. With gradient accumulation the losses are means over the step's micro-batches.
 *
 * @param step      0-based optimizer step
 * @param lr        learning rate used
 * @param loss      the method's loss before the step
 * @param terms     the loss's named parts (see {@link LossTerms#term}), e.g. {@code forget} and {@code retain}
 * @param forgetNll token-mean NLL of the step's forget rows
 * @param retainNll token-mean NLL of the step's retain rows (NaN without retain rows)
 * @param gradNorm  global L2 norm of the gradient (before clipping)
 * @param seconds   wall time of the step
 */
public record StepMetrics(int step, double lr, double loss, Map<String, Double> terms, double forgetNll,
                          double retainNll, double gradNorm, double seconds) {
}
