package io.github.mubench.unlearn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Updates parameters in place from their gradients. */
public interface Optimizer {
    /**
     * One step.
     *
     * @param params    name → parameter (updated in place)
     * @param grads     name → gradient, same shapes
     * @param lr        learning rate of this step (from the schedule)
     */
    void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr);

    /** The same optimizer with no state, for a new run (a configuration can be run more than once). */
    Optimizer fresh();

    /** The configured base learning rate. */
    double learningRate();

    /** State to checkpoint (moment estimates and the like), keyed by name; empty for stateless optimizers. */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** Steps taken so far. */
    default int stepsTaken() {
        return 0;
    }

    /** Restores what {@link #state()} and {@link #stepsTaken()} returned. */
    default void restore(Map<String, INDArray> state, int steps) {
    }
}
