package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * DPO / IdK-refusal: {@code −(2/β)·E[log σ(β·[(S_θ(y_w) − S_ref(y_w)) − (S_θ(y_l) − S_ref(y_l))])]} with the
 * refusal as the chosen response {@code y_w} (refusal rows) and the harmful response as the rejected {@code y_l}
 * (forget rows). At θ = θ_ref it is {@code (2/β)·ln 2}.
 */
public record Dpo(@Param(value = "0.1", doc = "β, inverse temperature") double beta) implements UnlearningMethod {

    public Dpo {
        Parameters.positive("beta", beta);
    }

    /** β = 0.1. */
    public static Dpo defaults() {
        return Parameters.defaults(Dpo.class);
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.REFUSAL);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        var sd = t.sameDiff();
        SDVariable logSigmoid = sd.math.log(sd.nn.sigmoid(t.preferenceMargin().mul(beta)));
        return logSigmoid.mean().mul(-2 / beta);
    }
}
