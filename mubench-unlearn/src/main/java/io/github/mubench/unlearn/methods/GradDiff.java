package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * GradDiff (GA + GD): {@code γ·(−NLL(D_f)) + α·NLL(D_r)}.
 *
 * @param gamma weight of the forget term (default 1)
 * @param alpha weight of the retain term (default 1)
 */
public record GradDiff(double gamma, double alpha) implements UnlearningMethod {
    /** The original defaults, γ = α = 1. */
    public GradDiff() {
        this(1, 1);
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
