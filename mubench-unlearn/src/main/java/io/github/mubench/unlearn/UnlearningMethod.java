package io.github.mubench.unlearn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A machine-unlearning method: it only says its loss, built from {@link LossTerms}, and which rows its batches hold;
 * data, reference log-probs, optimizer and bookkeeping are the trainer's. A new method is one small class
 * implementing this.
 */
public interface UnlearningMethod {
    /** Short name, as the CLI spells it. */
    String name();

    /** The scalar loss to minimise. */
    SDVariable loss(LossTerms terms);

    /** The row groups the loss reads ({@link RowGroup#FORGET} is always there). */
    default Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET);
    }

    /** K: random rows per forget row, for the {@code RANDOM_*} groups. */
    default int mismatchesPerForgetRow() {
        return 0;
    }

    /** Whether the loss reads the reference model (its sequence log-probs or its distributions). */
    default boolean needsReference() {
        return false;
    }

    /**
     * The parameters this method trains, when the method itself decides (RMU: a few MLP down-projections);
     * {@code null} leaves the choice to the trainer's configuration (all parameters by default).
     */
    default Predicate<String> trainable() {
        return null;
    }

    /**
     * Weight arithmetic after training (task vectors, SKU stage 2): the final weights from the starting ones and the
     * trained ones. The default keeps the trained weights.
     */
    default Map<String, INDArray> finish(Map<String, INDArray> start, Map<String, INDArray> trained) {
        return trained;
    }
}
