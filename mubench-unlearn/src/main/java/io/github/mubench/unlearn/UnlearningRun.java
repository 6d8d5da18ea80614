package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of a run.
 *
 * @param model   the unlearned model, with the input model's tokenizer and chat template (use it as the input was)
 * @param metrics one entry per step (a resumed run's include the steps done before the interruption)
 */
public record UnlearningRun(LoadedModel model, List<StepMetrics> metrics) {
    /**
     * The run written to {@code dir}, when it finished there (its manifest says so): its model, loaded from the
     * folder, and its logged metrics. Empty for a folder without a run or with one that did not finish.
     */
    public static Optional<UnlearningRun> finished(Path dir) {
        RunDirectory run = new RunDirectory(dir);
        if (!run.isFinished()) {
            return Optional.empty();
        }
        return Optional.of(new UnlearningRun(Models.load(dir), run.allMetrics()));
    }
}
