package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Task-vector negation: fine-tune on the forget set ({@code NLL(D_f)}), then {@code θ0 − λ·(θ_ft − θ0)}.
 */
public record TaskVectorNegation(
        @Param(value = "1", doc = "λ, step against the fine-tuning task vector") double lambda) implements UnlearningMethod {

    /** λ = 1. */
    public static TaskVectorNegation defaults() {
        return Parameters.defaults(TaskVectorNegation.class);
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
