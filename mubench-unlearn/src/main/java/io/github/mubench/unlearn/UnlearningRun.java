package io.github.mubench.unlearn;

import io.github.mubench.tensor.checkpoint.Checkpoint;

import java.util.List;

/**
 * The result of a run.
 *
 * @param model   the unlearned model
 * @param metrics one entry per step
 */
public record UnlearningRun(Checkpoint model, List<StepMetrics> metrics) {
}
