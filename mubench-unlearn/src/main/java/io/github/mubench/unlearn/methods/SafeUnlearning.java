package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * Safe Unlearning: {@code NLL(D_r) + θ·NLL(refusals to harmful prompts) − α·E_{D_f}[log σ(−β·(S̄_θ − S̄_ref))]}.
 * Unlike NPO the harmful term uses <em>mean</em> per-token log-probs, so β is not scaled by the response length.
 * The harmful term (logged as {@code harmful}, before α) is {@code ln 2} at θ = θ_ref.
 */
public record SafeUnlearning(
        @Param(value = "0.3", doc = "α, weight of the harmful-response term") double alpha,
        @Param(value = "1", doc = "β, inverse temperature of the harmful-response term") double beta,
        @Param(value = "0.5", doc = "θ, weight of the refusal NLL") double refusalWeight) implements UnlearningMethod {

    public SafeUnlearning {
        Parameters.nonNegative("alpha", alpha);
        Parameters.positive("beta", beta);
        Parameters.nonNegative("refusalWeight", refusalWeight);
    }

    /** α = 0.3, β = 1, θ = 0.5. */
    public static SafeUnlearning defaults() {
        return Parameters.defaults(SafeUnlearning.class);
    }

    @Override
    public String name() {
        return "safe_unlearning";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN, RowGroup.REFUSAL);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        var sd = t.sameDiff();
        SDVariable margin = t.meanTokenLogprob().sub(t.referenceMeanTokenLogprob()).mul(-beta);
        SDVariable harmful = t.term("harmful", t.meanOverForget(sd.math.log(sd.nn.sigmoid(margin))).neg());
        return t.retainNll().add(t.term("refusal_nll", t.nll(RowGroup.REFUSAL)).mul(refusalWeight)).add(harmful.mul(alpha));
    }
}
