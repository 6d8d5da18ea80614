package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * NPO: {@code (2/β)·E_{D_f}[log(1 + exp(β·(S_θ − S_ref)))]}, with summed response log-probs; β → 0 recovers GA.
 *
 * @param beta inverse temperature (default 0.1)
 */
public record Npo(double beta) implements UnlearningMethod {
    /** The authors' default, β = 0.1. */
    public Npo() {
        this(0.1);
    }

    @Override
    public String name() {
        return "npo";
    }

    @Override
    public boolean needsReference() {
        return true;
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable margin = t.seqLogprob().sub(t.referenceSeqLogprob()).mul(beta);
        return t.meanOverForget(t.sameDiff().nn.softplus(margin)).mul(2 / beta);
    }
}
