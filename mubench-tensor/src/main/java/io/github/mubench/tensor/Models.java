package io.github.mubench.tensor;

import io.github.mubench.tensor.checkpoint.Checkpoint;
import io.github.mubench.tensor.checkpoint.CheckpointException;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Entry points for loading models: from a path, or the bundled stories260K. */
public final class Models {
    private static final String BUNDLED = "/io/github/mubench/tensor/models/stories260K/";

    private Models() {
    }

    /**
     * The bundled default model: Karpathy's stories260K (a 260K-parameter Llama trained on TinyStories) with its
     * 512-token tokenizer. Small enough to ship, real enough to tell correct code from broken code.
     */
    public static LoadedModel stories260K() {
        Checkpoint ckpt = Llama2cCheckpoint.load(resource("stories260K.bin"), Path.of("classpath:" + BUNDLED + "stories260K.bin"));
        var tok = Llama2cTokenizer.read(resource("tok512.bin"), ckpt.config().vocabSize(), Path.of("classpath:" + BUNDLED + "tok512.bin"));
        return new LoadedModel(ckpt, tok);
    }

    /** A llama2.c checkpoint and its {@code tokenizer.bin} ({@code tokenizer} may be {@code null}). */
    public static LoadedModel llama2c(Path checkpoint, Path tokenizer) {
        Checkpoint ckpt = Llama2cCheckpoint.load(checkpoint);
        return new LoadedModel(ckpt, tokenizer == null ? null : Llama2cTokenizer.load(tokenizer, ckpt.config().vocabSize()));
    }

    private static byte[] resource(String name) {
        try (InputStream in = Models.class.getResourceAsStream(BUNDLED + name)) {
            if (in == null) {
                throw new CheckpointException(Path.of(BUNDLED + name), "resource", "missing from the classpath; the mubench-tensor jar is incomplete");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
