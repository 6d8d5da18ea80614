package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Task-vector negation: fine-tune on the forget set ({@code NLL(D_f)}, descending), then move the other way,
 * {@code θ = θ0 − λ·(θ_ft − θ0)}. SKU's second stage is this arithmetic on its harmful model.
 *
 * @param lambda how far to step against the task vector (default 1)
 */
public record TaskVectorNegation(double lambda) implements UnlearningMethod {
    public TaskVectorNegation() {
        this(1);
    }

    @Override
    public String name() {
        return "task_vector";
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll();
    }

    @Override
    public Map<String, INDArray> finish(Map<String, INDArray> start, Map<String, INDArray> trained) {
        return negate(start, trained, lambda);
    }

    /** {@code θ0 − λ·(θ_ft − θ0)} for every tensor of {@code start}. */
    public static Map<String, INDArray> negate(Map<String, INDArray> start, Map<String, INDArray> fineTuned, double lambda) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : start.entrySet()) {
            INDArray theta0 = e.getValue();
            out.put(e.getKey(), theta0.sub(fineTuned.get(e.getKey()).sub(theta0).muli(lambda)));
        }
        return out;
    }
}
