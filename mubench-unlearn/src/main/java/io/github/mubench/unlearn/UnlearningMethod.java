package io.github.mubench.unlearn;

import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.param.Parameters;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A machine-unlearning method: it only says its loss, built from {@link LossTerms}, and which rows its batches hold;
 * data, reference model, optimizer and bookkeeping are the trainer's (what the loss reads of the reference model is
 * found from the loss itself). A new method is one small record implementing this, its parameters declared once
 * with {@link io.github.mubench.tensor.param.Param} on the record's components.
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

    /**
     * The parameters this method trains on a model of architecture {@code config}, when the method itself decides
     * (RMU: a few MLP down-projections); {@code null} leaves the choice to the trainer's configuration (all
     * parameters by default).
     */
    default Predicate<String> trainable(LlamaConfig config) {
        return null;
    }

    /**
     * Weight arithmetic after training (task vectors, SKU stage 2): the final weights from the starting ones and the
     * trained ones. The default keeps the trained weights.
     */
    default Map<String, INDArray> finish(Map<String, INDArray> start, Map<String, INDArray> trained) {
        return trained;
    }

    /**
     * The method's parameters by name, as manifests record them: a record's {@code @Param} components (a record
     * without components has none).
     */
    default Map<String, Object> parameters() {
        if (this instanceof Record r) {
            return Parameters.values(r);
        }
        throw new IllegalStateException(getClass().getName() + " is not a record: override parameters() to say its settings");
    }
}
