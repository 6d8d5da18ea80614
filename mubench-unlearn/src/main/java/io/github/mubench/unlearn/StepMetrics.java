package io.github.mubench.unlearn;

/**
 * One line of {@code metrics.jsonl}.
 *
 * @param step      0-based optimizer step
 * @param lr        learning rate used
 * @param loss      the method's loss before the step
 * @param forgetNll token-mean NLL of the step's forget rows
 * @param retainNll token-mean NLL of the step's retain rows (NaN without retain rows)
 * @param gradNorm  global L2 norm of the gradient (before clipping)
 * @param seconds   wall time of the step
 */
public record StepMetrics(int step, double lr, double loss, double forgetNll, double retainNll, double gradNorm,
                          double seconds) {
}
