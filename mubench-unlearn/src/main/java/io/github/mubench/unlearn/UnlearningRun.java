package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;

import java.util.List;

/**
 * The result of a run.
 *
 * @param model   the unlearned model, with the input model's tokenizer and chat template (use it as the input was)
 * @param metrics one entry per step (a resumed run's include the steps done before the interruption)
 */
public record UnlearningRun(LoadedModel model, List<StepMetrics> metrics) {
}
