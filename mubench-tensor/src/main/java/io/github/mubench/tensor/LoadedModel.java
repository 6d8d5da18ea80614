package io.github.mubench.tensor;

import io.github.mubench.tensor.checkpoint.Checkpoint;
import io.github.mubench.tensor.model.Llama;
import io.github.mubench.tensor.tokenizer.Tokenizer;

/**
 * A checkpoint together with its tokenizer (which may be absent while a format's tokenizer is unsupported: then the
 * model works on token ids only).
 *
 * @param checkpoint configuration and weights
 * @param tokenizer  the model's tokenizer, or {@code null}
 */
public record LoadedModel(Checkpoint checkpoint, Tokenizer tokenizer) {

    /** An inference model over the checkpoint's weights. */
    public Llama inference() {
        return new Llama(checkpoint);
    }
}
