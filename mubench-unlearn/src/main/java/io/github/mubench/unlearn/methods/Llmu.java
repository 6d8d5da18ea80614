package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * LLMU: {@code −ε1·NLL(D_f) + ε2·NLL(x_f with K random benign answers) + ε3·KL(π_ref‖π_θ)} on retain tokens. The
 * paper's last term is the cross-entropy from p_ref to p_θ; it differs from the KL by the reference's entropy, a
 * constant, so the gradients are the same and the KL (0 at θ = θ_ref) is what is logged.
 */
public record Llmu(
        @Param(value = "0.5", doc = "ε1, weight of the gradient-ascent term") double forgetWeight,
        @Param(value = "1", doc = "ε2, weight of the random-benign-answer NLL") double mismatchWeight,
        @Param(value = "1", doc = "ε3, weight of the retain KL") double retainWeight,
        @Param(value = "5", doc = "K, random benign answers per forget prompt") int k) implements UnlearningMethod {

    public Llmu {
        Parameters.nonNegative("forgetWeight", forgetWeight);
        Parameters.nonNegative("mismatchWeight", mismatchWeight);
        Parameters.nonNegative("retainWeight", retainWeight);
        Parameters.atLeast("k", k, 1);
    }

    /** The authors' ε = (0.5, 1, 1), K = 5. */
    public static Llmu defaults() {
        return Parameters.defaults(Llmu.class);
    }

    @Override
    public String name() {
        return "llmu";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN, RowGroup.RANDOM_BENIGN);
    }

    @Override
    public int mismatchesPerForgetRow() {
        return k;
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().mul(-forgetWeight)
                .add(t.term("random_benign_nll", t.nll(RowGroup.RANDOM_BENIGN)).mul(mismatchWeight))
                .add(t.term("retain_kl", t.retainKl()).mul(retainWeight));
    }
}
