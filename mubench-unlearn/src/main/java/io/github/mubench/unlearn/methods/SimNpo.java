package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * SimNPO: {@code −(2/β)·E_{D_f}[log σ(−β·(S̄_θ + δ))] + α·NLL(D_r)}: reference-free, length-normalised NPO with
 * margin δ ({@code S̄} is the mean log-probability per response token).
 *
 * @param beta  inverse temperature (default 2.5)
 * @param delta margin (default 0)
 * @param alpha weight of the retain NLL (default 1)
 */
public record SimNpo(double beta, double delta, double alpha) implements UnlearningMethod {
    public SimNpo() {
        this(2.5, 0, 1);
    }

    @Override
    public String name() {
        return "simnpo";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return alpha > 0 ? Set.of(RowGroup.FORGET, RowGroup.RETAIN) : Set.of(RowGroup.FORGET);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable logSigmoid = t.sameDiff().math.log(t.sameDiff().nn.sigmoid(t.meanTokenLogprob().add(delta).mul(-beta)));
        SDVariable loss = t.term("simnpo", t.meanOverForget(logSigmoid).mul(-2 / beta));
        return alpha > 0 ? loss.add(t.retainNll().mul(alpha)) : loss;
    }
}
