package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import io.github.mubench.tensor.model.TensorNames;

import java.nio.file.Path;
import java.util.List;

/** What every loader checks of the config and weights it read, before a model is built from them. */
final class WeightChecks {
    private WeightChecks() {
    }

    /**
     * Numbers of the config that would make every output NaN or meaningless: RMSNorm's ε and RoPE's θ must be finite
     * and positive.
     */
    static void requireSaneConfig(Path file, LlamaConfig c, String epsField, String thetaField) {
        if (!(c.rmsNormEps() > 0) || !Double.isFinite(c.rmsNormEps())) {
            throw new CheckpointException(file, epsField, c.rmsNormEps() + "; expected a finite number > 0 (e.g. 1e-6)");
        }
        if (!(c.ropeTheta() > 0) || !Double.isFinite(c.ropeTheta())) {
            throw new CheckpointException(file, thetaField, c.ropeTheta() + "; expected a finite number > 0 (e.g. 10000)");
        }
    }

    /**
     * Refuses weights of layers the config does not have (a smaller {@code num_hidden_layers} than the weights would
     * silently drop them), a config with more layers than the weights hold (checked here, before anything is sized
     * by that count), and weights with NaN or infinite values; returns the checkpoint.
     */
    static io.github.mubench.tensor.model.Checkpoint checked(Path source, LlamaConfig config, ModelWeights weights, String layersField) {
        int highest = -1;
        for (String name : weights.names()) {
            int layer = TensorNames.layerOf(name);
            if (layer >= config.numLayers()) {
                throw new CheckpointException(source, name, "belongs to layer " + layer + ", but " + layersField + " is "
                        + config.numLayers() + "; expected layers 0.." + (config.numLayers() - 1) + " (is the config's layer count wrong?)");
            }
            highest = Math.max(highest, layer);
        }
        if (highest + 1 < config.numLayers()) {
            throw new CheckpointException(source, layersField, config.numLayers() + ", but the weights hold "
                    + (highest < 0 ? "no layer" : "layers 0.." + highest) + "; expected " + (highest + 1));
        }
        List<String> bad = weights.nonFiniteTensors();
        if (!bad.isEmpty()) {
            throw new CheckpointException(source, bad.get(0), "contains NaN or infinite values (" + bad.size()
                    + " tensor(s): " + bad + "); expected finite weights. A diverged training run, or a corrupt file?");
        }
        return new io.github.mubench.tensor.model.Checkpoint(config, weights);
    }
}
