package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/** GA+KL: {@code −NLL(D_f) + α·KL(π_ref‖π_θ)} on the retain tokens. */
public record GaKl(@Param(value = "1", doc = "α, weight of the retain KL") double alpha) implements UnlearningMethod {

    public GaKl {
        Parameters.nonNegative("alpha", alpha);
    }

    /** α = 1. */
    public static GaKl defaults() {
        return Parameters.defaults(GaKl.class);
    }

    @Override
    public String name() {
        return "ga_kl";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().neg().add(t.term("retain_kl", t.retainKl()).mul(alpha));
    }
}
