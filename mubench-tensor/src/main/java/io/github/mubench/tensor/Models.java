package io.github.mubench.tensor;

import io.github.mubench.tensor.chat.ChatTemplate;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.tokenizer.HfTokenizer;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.checkpoint.CheckpointException;
import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.checkpoint.GgufFile;
import io.github.mubench.tensor.tokenizer.GgufVocab;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
        return new LoadedModel(ckpt, tok, ChatTemplate.plain());
    }

    /**
     * Loads a model by what the path is: an HF folder, a {@code .gguf} file, or a llama2.c {@code .bin} checkpoint
     * with a {@code tokenizer.bin} beside it (else it works on ids). See {@link #load(Path, Path)}.
     */
    public static LoadedModel load(Path path) {
        Path sibling = path.toAbsolutePath().getParent() == null ? null : path.toAbsolutePath().getParent().resolve("tokenizer.bin");
        boolean llama2c = path.getFileName() != null && path.getFileName().toString().endsWith(".bin");
        return load(path, llama2c && sibling != null && Files.isRegularFile(sibling) ? sibling : null);
    }

    /**
     * Loads a model by what the path is: an HF folder ({@code config.json} + safetensors + tokenizer files), a
     * {@code .gguf} file, or a llama2.c {@code .bin} checkpoint (whose tokenizer file comes separately).
     *
     * @param tokenizer tokenizer file for a llama2.c checkpoint; ignored for the other formats
     */
    public static LoadedModel load(Path path, Path tokenizer) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (Files.isDirectory(path)) {
            return hf(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException(path, "path", "does not exist; expected an HF folder, a .gguf or a llama2.c .bin file");
        }
        if (name.endsWith(".gguf")) {
            return gguf(path);
        }
        if (name.endsWith(".bin") && !name.startsWith("pytorch_model")) {
            return llama2c(path, tokenizer);
        }
        throw new CheckpointException(path, "path", "unrecognised model file; expected an HF folder, a .gguf file "
                + "or a llama2.c .bin checkpoint (PyTorch pickles such as pytorch_model.bin are never loaded: "
                + "convert them to safetensors first)");
    }

    /**
     * An HF folder with its {@code tokenizer.json} (and {@code tokenizer_config.json}: special-token flags, chat
     * template) when present; without a tokenizer the model works on token ids.
     */
    public static LoadedModel hf(Path folder) {
        Checkpoint checkpoint = HfCheckpoint.load(folder);
        Path tokenizerJson = io.github.mubench.tensor.io.FolderFiles.inside(folder, "tokenizer.json");
        Path tokenizerConfig = io.github.mubench.tensor.io.FolderFiles.inside(folder, "tokenizer_config.json");
        HfTokenizer tokenizer = Files.isRegularFile(tokenizerJson) ? HfTokenizer.load(tokenizerJson) : null;
        ChatTemplate template = Files.isRegularFile(tokenizerConfig)
                ? ChatTemplate.fromTokenizerConfig(tokenizerConfig, HfTokenizer.readJson(tokenizerConfig)) : ChatTemplate.plain();
        return new LoadedModel(checkpoint, tokenizer, template);
    }

    /** A GGUF model with the tokenizer of its {@code tokenizer.ggml.*} metadata (none if it has no such metadata). */
    public static LoadedModel gguf(Path file) {
        GgufFile header = GgufFile.read(file);
        var tokenizer = header.metadata().containsKey("tokenizer.ggml.model") ? GgufVocab.tokenizer(header) : null;
        return new LoadedModel(GgufCheckpoint.load(file), tokenizer, ChatTemplate.plain());
    }

    /** A llama2.c checkpoint and its {@code tokenizer.bin} ({@code tokenizer} may be {@code null}). */
    public static LoadedModel llama2c(Path checkpoint, Path tokenizer) {
        Checkpoint ckpt = Llama2cCheckpoint.load(checkpoint);
        return new LoadedModel(ckpt, tokenizer == null ? null : Llama2cTokenizer.load(tokenizer, ckpt.config().vocabSize()),
                ChatTemplate.plain());
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
