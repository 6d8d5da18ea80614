package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.TensorNames;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
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
 * real tokens and the hidden dimension; {@code u} is a random unit vector (uniform [0,1)^d, normalised, drawn from
 * {@code seed}) and only {@code mlp.down_proj.weight} of layers ℓ−2..ℓ train. c and α are model-specific: the
 * defaults are the authors' Zephyr-7B values.
 */
public record Rmu(
        @Param(value = Parameters.AUTO, doc = "ℓ, the decoder layer whose residual stream is steered (auto: a quarter of the depth)") Integer layer,
        @Param(value = "6.5", doc = "c, steering coefficient") double c,
        @Param(value = "1200", doc = "α, weight of the retain term (0: off)") double alpha,
        @Param(value = "0", doc = "seed of the control vector u") long seed) implements UnlearningMethod {

    public Rmu {
        if (layer != null) {
            Parameters.atLeast("layer", layer, 0);
        }
        Parameters.nonNegative("alpha", alpha);
    }

    /** Layer auto, c = 6.5, α = 1200, seed 0. */
    public static Rmu defaults() {
        return Parameters.defaults(Rmu.class);
    }

    @Override
    public String name() {
        return "rmu";
    }

    /** ℓ for a model of architecture {@code config}. */
    public int layerFor(LlamaConfig config) {
        int l = layer != null ? layer : Math.max(0, config.numLayers() / 4);
        if (l >= config.numLayers()) {
            throw new IllegalArgumentException("rmu layer " + l + " does not exist: the model has " + config.numLayers() + " layers");
        }
        return l;
    }

    /** The control direction: uniform [0,1)^d from {@code seed}, normalised to unit length. */
    public float[] controlVector(int hiddenSize) {
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
        return u;
    }

    @Override
    public Set<RowGroup> rowGroups() {
        return alpha > 0 ? Set.of(RowGroup.FORGET, RowGroup.RETAIN) : Set.of(RowGroup.FORGET);
    }

    @Override
    public Predicate<String> trainable(LlamaConfig config) {
        int l = layerFor(config);
        return name -> {
            for (int i = Math.max(0, l - 2); i <= l; i++) {
                if (name.equals(TensorNames.weight(TensorNames.layer(i, TensorNames.DOWN_PROJ)))) {
                    return true;
                }
            }
            return false;
        };
    }

    @Override
    public SDVariable loss(LossTerms t) {
        return loss(t, controlVector(t.config().hiddenSize()));
    }

    /** The loss with a given control vector {@code u} (unit length, of the model's hidden size). */
    public SDVariable loss(LossTerms t, float[] u) {
        int l = layerFor(t.config());
        SDVariable h = t.hidden(l);
        SDVariable target = t.sameDiff().constant(Nd4j.createFromArray(u).reshape(1, u.length).mul(c));
        SDVariable diff = h.sub(target);
        SDVariable loss = t.term("forget_steer", t.meanSquaredOver(diff.mul(diff).sum(1), RowGroup.FORGET));
        if (alpha > 0) {
            SDVariable r = h.sub(t.referenceHidden(l));
            loss = loss.add(t.term("retain_match", t.meanSquaredOver(r.mul(r).sum(1), RowGroup.RETAIN)).mul(alpha));
        }
        return loss;
    }
}
