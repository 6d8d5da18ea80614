package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * NPO: {@code (2/β)·E_{D_f}[log(1 + exp(β·(S_θ − S_ref)))]} with summed response log-probs (β → 0 recovers GA; at
 * θ = θ_ref it is {@code (2/β)·ln 2}), plus optional retain terms: NPO+RT adds {@code α·NLL(D_r)}, NPO+KL adds
 * {@code α·KL(π_ref‖π_θ)} on D_r.
 */
public record Npo(
        @Param(value = "0.1", doc = "β, inverse temperature") double beta,
        @Param(value = "0", doc = "weight of the retain NLL, NPO+RT (0: off)") double retainNll,
        @Param(value = "0", doc = "weight of the retain KL, NPO+KL (0: off)") double retainKl) implements UnlearningMethod {

    public Npo {
        Parameters.positive("beta", beta);
        Parameters.nonNegative("retainNll", retainNll);
        Parameters.nonNegative("retainKl", retainKl);
    }

    /** The authors' default, β = 0.1, no retain term. */
    public static Npo defaults() {
        return Parameters.defaults(Npo.class);
    }

    /** NPO with inverse temperature {@code beta}. */
    public static Npo beta(double beta) {
        return new Npo(beta, 0, 0);
    }

    /** NPO+RT: adds {@code alpha·NLL(D_r)} (the NPO authors' default uses α = 1). */
    public Npo withRetainNll(double alpha) {
        return new Npo(beta, alpha, retainKl);
    }

    /** NPO+KL: adds {@code alpha·KL(π_ref‖π_θ)} on D_r. */
    public Npo withRetainKl(double alpha) {
        return new Npo(beta, retainNll, alpha);
    }

    @Override
    public String name() {
        return retainNll > 0 ? "npo_rt" : retainKl > 0 ? "npo_kl" : "npo";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return retainNll > 0 || retainKl > 0 ? Set.of(RowGroup.FORGET, RowGroup.RETAIN) : Set.of(RowGroup.FORGET);
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable margin = t.seqLogprob().sub(t.referenceSeqLogprob()).mul(beta);
        SDVariable loss = t.term("npo", t.meanOverForget(t.sameDiff().nn.softplus(margin)).mul(2 / beta));
        if (retainNll > 0) {
            loss = loss.add(t.retainNll().mul(retainNll));
        }
        if (retainKl > 0) {
            loss = loss.add(t.term("retain_kl", t.retainKl()).mul(retainKl));
        }
        return loss;
    }
}
