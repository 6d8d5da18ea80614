package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Set;

/**
 * LLMU: {@code −ε1·NLL(D_f) + ε2·NLL(x_f with K random benign answers) + ε3·KL(π_ref‖π_θ)} on retain tokens.
 * {@code mu-methods.md} writes the last term as the cross-entropy from p_ref to p_θ; it differs from the KL by the
 * reference's entropy, a constant, so the gradients are the same — the KL is what the LLMU paper writes and what
 * is logged here.
 *
 * @param forget    ε1, weight of the gradient-ascent term (default 0.5)
 * @param mismatch  ε2, weight of the random-benign-answer NLL (default 1)
 * @param retain    ε3, weight of the retain KL (default 1)
 * @param k         random benign answers per forget prompt (default 5)
 */
public record Llmu(double forget, double mismatch, double retain, int k) implements UnlearningMethod {
    public Llmu {
        if (k < 1) {
            throw new IllegalArgumentException("LLMU needs k >= 1 random answers per forget prompt, got " + k);
        }
    }

    /** The authors' ε = (0.5, 1, 1), K = 5. */
    public Llmu() {
        this(0.5, 1, 1, 5);
    }

    @Override
    public String name() {
        return "llmu";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return Set.of(RowGroup.FORGET, RowGroup.RETAIN, RowGroup.RANDOM_BENIGN);
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
        return t.forgetNll().mul(-forget)
                .add(t.term("random_benign_nll", t.nll(RowGroup.RANDOM_BENIGN)).mul(mismatch))
                .add(t.term("retain_kl", t.retainKl()).mul(retain));
    }
}
