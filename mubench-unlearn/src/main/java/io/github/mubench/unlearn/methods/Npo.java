package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * NPO: {@code (2/β)·E_{D_f}[log(1 + exp(β·(S_θ − S_ref)))]} with summed response log-probs (β → 0 recovers GA),
 * plus optional retain terms: NPO+RT adds {@code α·NLL(D_r)}, NPO+KL adds {@code α·KL(π_ref‖π_θ)} on D_r.
 *
 * @param beta      inverse temperature (default 0.1)
 * @param retainNll weight of the retain NLL term (NPO+RT; 0 = off)
 * @param retainKl  weight of the retain KL term (NPO+KL; 0 = off)
 */
public record Npo(double beta, double retainNll, double retainKl) implements UnlearningMethod {
    /** The authors' default, β = 0.1, no retain term. */
    public Npo() {
        this(0.1, 0, 0);
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
    public boolean needsReference() {
        return true;
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
