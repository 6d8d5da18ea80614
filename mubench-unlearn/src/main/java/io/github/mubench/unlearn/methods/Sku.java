package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
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
 */
public record Sku(
        @Param(value = "0.5", doc = "ε1, weight of the forget NLL") double harmfulWeight,
        @Param(value = "1", doc = "ε2, weight of the random-harmful-response NLL") double mismatchWeight,
        @Param(value = "1", doc = "ε3, weight of the (maximised) retain KL") double divergenceWeight,
        @Param(value = "5", doc = "K, random other harmful responses per forget prompt") int k,
        @Param(value = "1", doc = "λ, stage-2 step against the harmful task vector") double lambda) implements UnlearningMethod {

    public Sku {
        Parameters.nonNegative("harmfulWeight", harmfulWeight);
        Parameters.nonNegative("mismatchWeight", mismatchWeight);
        Parameters.nonNegative("divergenceWeight", divergenceWeight);
        Parameters.atLeast("k", k, 1);
    }

    /** The defaults of the SKU paper's method section: ε = (0.5, 1, 1), K = 5, λ = 1. */
    public static Sku defaults() {
        return Parameters.defaults(Sku.class);
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
    public SDVariable loss(LossTerms t) {
        return t.forgetNll().mul(harmfulWeight)
                .add(t.term("random_harmful_nll", t.nll(RowGroup.RANDOM_HARMFUL)).mul(mismatchWeight))
                .sub(t.term("retain_kl", t.retainKl()).mul(divergenceWeight));
    }

    @Override
    public Map<String, INDArray> finish(Map<String, INDArray> start, Map<String, INDArray> trained) {
        return TaskVectorNegation.negate(start, trained, lambda);
    }
}
