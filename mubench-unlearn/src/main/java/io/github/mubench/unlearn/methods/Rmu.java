package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * RMU (representation misdirection): {@code mean‖h_ℓ(x_f) − c·u‖² + α·mean‖h_ℓ(x_r) − h_ℓ^ref(x_r)‖²}, means over
 * real tokens and the hidden dimension; {@code u} is a random unit vector (uniform [0,1)^d, normalised) and only
 * {@code mlp.down_proj.weight} of layers ℓ−2..ℓ train.
 *
 * @param layer  ℓ, the decoder layer whose residual-stream output is steered
 * @param c      steering coefficient (model-specific; 6.5 for Zephyr-7B)
 * @param alpha  retain weight (model-specific; 1200 for Zephyr-7B)
 * @param u      the control direction, unit length, of the model's hidden size
 */
public record Rmu(int layer, double c, double alpha, float[] u) implements UnlearningMethod {

    /** RMU at {@code layer} with the given coefficients and a control vector drawn from {@code seed}. */
    public static Rmu at(int layer, double c, double alpha, int hiddenSize, long seed) {
        Random rnd = new Random(seed);
        float[] u = new float[hiddenSize];
        double norm = 0;
        for (int i = 0; i < hiddenSize; i++) {
            u[i] = rnd.nextFloat();
            norm += u[i] * (double) u[i];
        }
        for (int i = 0; i < hiddenSize; i++) {
            u[i] = (float) (u[i] / Math.sqrt(norm));
        }
        return new Rmu(layer, c, alpha, u);
    }

    @Override
    public String name() {
        return "rmu";
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return alpha > 0 ? Set.of(RowGroup.FORGET, RowGroup.RETAIN) : Set.of(RowGroup.FORGET);
    }

    @Override
    public boolean needsReference() {
        return alpha > 0;
    }

    @Override
    public Predicate<String> trainable() {
        return name -> {
            for (int l = Math.max(0, layer - 2); l <= layer; l++) {
                if (name.equals("model.layers." + l + ".mlp.down_proj.weight")) {
                    return true;
                }
            }
            return false;
        };
    }

    @Override
    public SDVariable loss(LossTerms t) {
        SDVariable h = t.hidden(layer);
        SDVariable target = t.sameDiff().constant(Nd4j.createFromArray(u).reshape(1, u.length).mul(c));
        SDVariable diff = h.sub(target);
        SDVariable loss = t.term("forget_steer", t.meanSquaredOver(diff.mul(diff).sum(1), RowGroup.FORGET));
        if (alpha > 0) {
            SDVariable r = h.sub(t.referenceHidden(layer));
            loss = loss.add(t.term("retain_match", t.meanSquaredOver(r.mul(r).sum(1), RowGroup.RETAIN)).mul(alpha));
        }
        return loss;
    }
}
