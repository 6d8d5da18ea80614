package io.github.mubench.eval.run;

/** Receives an evaluation's progress: how many of a stage's units are done (for a progress bar). */
@FunctionalInterface
public interface Progress {
    /** Reports nothing. */
    Progress NONE = (stage, done, total) -> {
    };

    /**
     * @param stage what is being computed, e.g. {@code mmlu: loglikelihood} or {@code advbench: judge keyword}
     * @param done  units done so far (stored ones included)
     * @param total units of the stage
     */
    void update(String stage, int done, int total);
}
