package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

/** GA: {@code −NLL(D_f)}. Unbounded below, so it needs a step budget. */
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
