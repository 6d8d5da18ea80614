package io.github.mubench.bench;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.chat.ChatTemplate;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.tensor.tokenizer.HfTokenizer;

import java.nio.file.Path;

import java.util.List;

/** The configurations the peer comparisons run (the same numbers are in tools/peer_pytorch.py). */
final class BenchConfigs {
    private BenchConfigs() {
    }

    /** The yardstick: vocab 32000, d 512, 8 layers, 8 heads / 4 KV heads, FFN 1408 (56M parameters). */
    static LlamaConfig llama56M() {
        return llama(32000, 512, 1408, 8, 8, 4, false);
    }

    /**
     * Random weights of {@code shape} with the Phi-3 tokenizer from {@code data/} (a Llama-2 vocabulary of 32,000),
     * for benchmarks that need text; stories260K is itself.
     */
    static LoadedModel withTokenizer(String shape) {
        if (shape.equals("stories260K")) {
            return Models.stories260K();
        }
        LlamaConfig c = byName(shape);
        return new LoadedModel(new Checkpoint(c, RandomWeights.of(c, 0)), HfTokenizer.load(Path.of("data/phi3_tokenizer/tokenizer.json")),
                ChatTemplate.plain());
    }

    /**
     * The shapes benchmarked against llama2.c (plain Llama: RoPE θ 10000, no biases, so llama2.c runs them too):
     * {@code 56M}, {@code 126M} (d 1024, 8 layers, FFN 2816), {@code 335M} (the same with 24 layers) and
     * {@code qwen0.5B} (Qwen2.5-0.5B's shape: d 896, 24 layers, 14/2 heads, FFN 4864, vocab 151936, tied).
     */
    static LlamaConfig byName(String name) {
        return switch (name) {
            case "56M" -> llama56M();
            case "126M" -> llama(32000, 1024, 2816, 8, 16, 8, false);
            case "335M" -> llama(32000, 1024, 2816, 24, 16, 8, false);
            case "qwen0.5B" -> llama(151936, 896, 4864, 24, 14, 2, true);
            case "tinyllama1.1B" -> llama(32000, 2048, 5632, 22, 32, 4, false);
            case "llama2-7B" -> llama(32000, 4096, 11008, 32, 32, 32, false);
            default -> throw new IllegalArgumentException("unknown shape '" + name + "': 56M, 126M, 335M, qwen0.5B, tinyllama1.1B, llama2-7B");
        };
    }

    private static LlamaConfig llama(int vocab, int d, int ffn, int layers, int heads, int kvHeads, boolean tied) {
        return new LlamaConfig("llama", vocab, d, ffn, layers, heads, kvHeads, d / heads, 1e-5, 10000.0, null, 2048, tied, false,
                null, 1, List.of(2));
    }
}
