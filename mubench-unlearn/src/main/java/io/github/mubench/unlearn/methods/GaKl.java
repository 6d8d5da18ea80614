package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * GA+KL: {@code −NLL(D_f) + α·KL(π_ref‖π_θ)} on the retain tokens.
 *
 * @param alpha weight of the KL term (default 1)
 */
public record GaKl(double alpha) implements UnlearningMethod {
    public GaKl() {
        this(1);
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
    public boolean needsReference() {
        return true;
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().neg().add(t.term("retain_kl", t.retainKl()).mul(alpha));
    }
}
