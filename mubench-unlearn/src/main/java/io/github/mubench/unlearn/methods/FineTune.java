package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Supervised fine-tuning on the "forget" set, {@code NLL(D_f)}: not an unlearning method, but how tests, benchmarks
 * and the demo plant the behaviour that is then unlearned.
 */
public record FineTune() implements UnlearningMethod {
    @Override
    public String name() {
        return "finetune";
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll();
    }
}
