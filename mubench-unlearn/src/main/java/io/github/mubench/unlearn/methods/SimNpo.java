package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * SimNPO (Fan et al. 2024): {@code −(2/β)·E_{D_f}[log σ(−β·S̄_θ − δ)] + α·NLL(D_r)}: reference-free,
 * length-normalised NPO with reward margin δ (the paper's γ; {@code S̄} is the mean log-probability per response
 * token), computed as {@code (2/β)·softplus(β·S̄_θ + δ)}.
 */
public record SimNpo(
        @Param(value = "2.5", doc = "β, inverse temperature") double beta,
        @Param(value = "0", doc = "δ, the reward margin (the paper's γ)") double delta,
        @Param(value = "1", doc = "α, weight of the retain NLL (0: off)") double alpha) implements UnlearningMethod {

    public SimNpo {
        Parameters.positive("beta", beta);
        Parameters.nonNegative("alpha", alpha);
    }

    /** β = 2.5, δ = 0, α = 1. */
    public static SimNpo defaults() {
        return Parameters.defaults(SimNpo.class);
    }

    @Override
    public String name() {
        return "simnpo";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return alpha > 0 ? Set.of(RowGroup.FORGET, RowGroup.RETAIN) : Set.of(RowGroup.FORGET);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable softplus = t.sameDiff().nn.softplus(t.meanTokenLogprob().mul(beta).add(delta)); // −log σ(−β·S̄ − δ)
        SDVariable loss = t.term("simnpo", t.meanOverForget(softplus).mul(2 / beta));
        return alpha > 0 ? loss.add(t.retainNll().mul(alpha)) : loss;
    }
}
