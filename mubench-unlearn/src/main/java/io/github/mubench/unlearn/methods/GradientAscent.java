package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

/** Gradient ascent: {@code −NLL(D_f)}. Unbounded, so it needs a step budget; it is the baseline of every method. */
public record GradientAscent() implements UnlearningMethod {
    @Override
    public String name() {
        return "ga";
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().neg();
    }
}
