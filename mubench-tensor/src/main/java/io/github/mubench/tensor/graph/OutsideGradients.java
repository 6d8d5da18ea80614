package io.github.mubench.tensor.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gradients of parameters that SameDiff does not see ({@link OutsideProjection}s' weights and biases,
 * {@link OutsideNorm}s' gains), made by the backward passes of the computations outside it: one pass's worth, each in
 * memory of its own.
 */
final class OutsideGradients {
    private final Set<String> trainable;
    private final Map<String, INDArray> made = new HashMap<>();
    private boolean none;

    /** @param trainable the names that get gradients (read when a pass runs: it may be filled after construction) */
    OutsideGradients(Set<String> trainable) {
        this.trainable = trainable;
    }

    /** Whether parameter {@code name} gets a gradient. */
    boolean wants(String name) {
        return !none && trainable.contains(name);
    }

    /** For the pass about to run: no parameter gets a gradient (the pass is for an input's gradient only). */
    void wantNone() {
        none = true;
    }

    /** New memory for parameter {@code name}'s gradient this pass, of {@code shape}; its contents are undefined. */
    INDArray allocate(String name, long... shape) {
        INDArray g = Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (made.put(name, g) != null) {
            throw new IllegalStateException("two gradients of " + name + " in one pass");
        }
        return g;
    }

    /** Parameter {@code name}'s gradient from the last pass, or null where its backward did not run. */
    INDArray get(String name) {
        return made.get(name);
    }

    /** Before a pass, and once its gradients are handed over: forget them, and want the trainable ones again. */
    void clear() {
        made.clear();
        none = false;
    }
}
