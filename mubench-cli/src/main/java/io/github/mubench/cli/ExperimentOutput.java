package io.github.mubench.cli;

import io.github.mubench.experiment.Experiment;
import io.github.mubench.experiment.Setting;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.StepMetrics;
import io.github.mubench.unlearn.TrainingSettings;

/** What {@code run} and {@code demo} show while they work: a line per stage and a bar per training run or evaluation stage. */
final class ExperimentOutput implements AutoCloseable {
    final ProgressBars bars = new ProgressBars();
    private final long start = System.nanoTime();

    /** A stage's line, with the time since the start, after closing the current bar. */
    void log(String line) {
        bars.close();
        System.err.printf("[%4.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
    }

    /** Training steps as a bar ({@code setting} null: the demo's planting run). */
    Experiment.StepListener steps(int plantingSteps) {
        return (Setting s, StepMetrics m) -> {
            int total = s == null ? plantingSteps : Parameters.create(TrainingSettings.class, s.training(), "training").steps();
            bars.update((s == null ? "planting" : s.group() + " seed " + s.seed()) + ": training", m.step(), total);
        };
    }

    @Override
    public void close() {
        bars.close();
    }
}
