package io.github.mubench.unlearn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A machine-unlearning method: it only says its loss, built from {@link LossTerms}; data, reference log-probs,
 * optimizer and bookkeeping are the trainer's. A new method is one small class implementing this.
 */
public interface UnlearningMethod {
    /** Short name, as the CLI spells it. */
    String name();

    /** The scalar loss to minimise. */
    SDVariable loss(LossTerms terms);

    /** Whether the loss reads retain rows. */
    default boolean needsRetain() {
        return false;
    }

    /**
     * The parameters this method trains, when the method itself decides (RMU: a few MLP down-projections);
     * {@code null} leaves the choice to the trainer's configuration (all parameters by default).
     */
    default java.util.function.Predicate<String> trainable() {
        return null;
    }

    /**
     * Weight arithmetic after training (task vectors, SKU stage 2): the final weights from the starting ones and the
     * trained ones. The default keeps the trained weights.
     */
    default java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> finish(
            java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> start,
            java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> trained) {
        return trained;
    }

    /**
     * Whether the method trains on preference pairs {@code (prompt, chosen, rejected)}: then each batch holds the
     * rejected responses in its forget rows and the chosen ones, pair for pair, in its retain rows.
     */
    default boolean needsPreferences() {
        return false;
    }

    /** Whether the loss reads the reference model (its sequence log-probs or its distributions). */
    default boolean needsReference() {
        return false;
    }
}
