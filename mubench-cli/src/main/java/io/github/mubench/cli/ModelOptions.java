package io.github.mubench.cli;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which model a command runs: a path, or the bundled stories260K when none is given. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "PATH",
            description = "HF folder, llama2.c .bin (with --tokenizer) or .gguf; default: the bundled stories260K")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer file for a llama2.c checkpoint")
    Path tokenizer;

    LoadedModel load() {
        return model == null ? Models.stories260K() : Models.load(model, tokenizer);
    }
}
