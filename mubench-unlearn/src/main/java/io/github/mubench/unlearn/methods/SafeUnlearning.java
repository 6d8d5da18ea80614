package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * Safe Unlearning: {@code NLL(D_r) + θ·NLL(refusals to harmful prompts) − α·E_{D_f}[log σ(−β·(S̄_θ − S̄_ref))]}.
 * Unlike NPO the harmful term uses <em>mean</em> per-token log-probs, so β is not scaled by the response length.
 *
 * @param alpha   α, weight of the harmful-response term (default 0.3)
 * @param beta    β (default 1)
 * @param refusal θ, weight of the refusal NLL (default 0.5)
 */
public record SafeUnlearning(double alpha, double beta, double refusal) implements UnlearningMethod {
    /** α = 0.3, β = 1, θ = 0.5. */
    public SafeUnlearning() {
        this(0.3, 1, 0.5);
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
    public boolean needsReference() {
        return true;
    }

    @Override
    public SDVariable loss(LossTerms t) {
        var sd = t.sameDiff();
        SDVariable margin = t.meanTokenLogprob().sub(t.referenceMeanTokenLogprob()).mul(-beta);
        SDVariable harmful = t.term("harmful", t.meanOverForget(sd.math.log(sd.nn.sigmoid(margin))).neg());
        return t.retainNll().add(t.term("refusal_nll", t.nll(RowGroup.REFUSAL)).mul(refusal)).add(harmful.mul(alpha));
    }
}
