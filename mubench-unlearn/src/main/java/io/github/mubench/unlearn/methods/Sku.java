package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Set;

/**
 * SKU (selective knowledge negation). Stage 1 trains a <em>harmful</em> model θ_h from θ0 with
 * {@code ε1·NLL(D_f) + ε2·NLL(x_f with K random other harmful responses) − ε3·KL(p_0‖p_h)} on retain tokens
 * (pushing it away from the original on normal data); stage 2 returns {@code θ0 − λ·(θ_h − θ0)}. The authors
 * trained LoRA (r 32 on q/v), merged before the subtraction; the trainer's {@code lora(...)} gives that.
 *
 * @param harmful    ε1, weight of the forget NLL (default 0.5)
 * @param mismatched ε2, weight of the random-harmful-response NLL (default 1)
 * @param divergence ε3, weight of the (maximised) retain KL (default 1)
 * @param k          random responses per forget prompt (default 5)
 * @param lambda     stage-2 step against the harmful task vector (default 1)
 */
public record Sku(double harmful, double mismatched, double divergence, int k, double lambda) implements UnlearningMethod {
    public Sku {
        if (k < 1) {
            throw new IllegalArgumentException("SKU needs k >= 1 random responses per forget prompt, got " + k);
        }
    }

    /** The defaults of {@code mu-methods.md}: ε = (0.5, 1, 1), K = 5, λ = 1. */
    public Sku() {
        this(0.5, 1, 1, 5, 1);
    }

    @Override
    public String name() {
        return "sku";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN, RowGroup.RANDOM_HARMFUL);
    }

    @Override
    public int mismatchesPerForgetRow() {
        return k;
    }

    @Override
    public boolean needsReference() {
        return true;
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().mul(harmful)
                .add(t.term("random_harmful_nll", t.nll(RowGroup.RANDOM_HARMFUL)).mul(mismatched))
                .sub(t.term("retain_kl", t.retainKl()).mul(divergence));
    }

    @Override
    public Map<String, INDArray> finish(Map<String, INDArray> start, Map<String, INDArray> trained) {
        return TaskVectorNegation.negate(start, trained, lambda);
    }
}
