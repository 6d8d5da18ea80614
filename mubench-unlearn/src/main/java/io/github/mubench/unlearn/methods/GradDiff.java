package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/** GradDiff: {@code −γ·NLL(D_f) + α·NLL(D_r)}: gradient ascent on the forget set, descent on the retain set. */
public record GradDiff(
        @Param(value = "1", doc = "γ, weight of the forget (ascent) term") double gamma,
        @Param(value = "1", doc = "α, weight of the retain NLL") double alpha) implements UnlearningMethod {

    public GradDiff {
        Parameters.nonNegative("gamma", gamma);
        Parameters.nonNegative("alpha", alpha);
    }

    /** γ = α = 1, the original defaults. */
    public static GradDiff defaults() {
        return Parameters.defaults(GradDiff.class);
    }

    @Override
    public String name() {
        return "graddiff";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().mul(-gamma).add(t.retainNll().mul(alpha));
    }
}
