package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Plain fine-tuning on the forget set ({@code NLL(D_f)}, descending): not unlearning, but how experiments plant
 * knowledge to be unlearned, and the first stage of task-vector methods.
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
