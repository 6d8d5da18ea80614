package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * Eraser: {@code max(0, γ − NLL(D_f)) + KL(π_ref‖π_θ) on retain + KL(π_ref‖π_θ) on (harmful prompt, refusal)}. The
 * hinge stops the ascent once the harmful responses' NLL passes γ; the two KL terms keep general answers and the
 * original model's refusals. The authors trained LoRA (r 8 on q/v, lr 2e-5, 5 epochs).
 */
public record Eraser(
        @Param(value = "1.8", doc = "γ, the forget NLL above which the ascent stops") double threshold,
        @Param(value = "1", doc = "weight of the retain KL") double retainWeight,
        @Param(value = "1", doc = "weight of the refusal KL") double refusalWeight) implements UnlearningMethod {

    public Eraser {
        Parameters.nonNegative("retainWeight", retainWeight);
        Parameters.nonNegative("refusalWeight", refusalWeight);
    }

    /** γ = 1.8, both KL terms at weight 1. */
    public static Eraser defaults() {
        return Parameters.defaults(Eraser.class);
    }

    @Override
    public String name() {
        return "eraser";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN, RowGroup.REFUSAL);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable hinge = t.term("forget_hinge", t.sameDiff().nn.relu(t.forgetNll().rsub(threshold), 0));
        return hinge.add(t.term("retain_kl", t.retainKl()).mul(retainWeight))
                .add(t.term("refusal_kl", t.kl(RowGroup.REFUSAL)).mul(refusalWeight));
    }
}
