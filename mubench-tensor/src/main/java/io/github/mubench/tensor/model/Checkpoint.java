package io.github.mubench.tensor.model;

/**
 * A loaded model: its configuration and its weights in HF naming and layout.
 *
 * @param config  architecture hyper-parameters
 * @param weights float32 tensors
 */
public record Checkpoint(LlamaConfig config, ModelWeights weights) {
}
