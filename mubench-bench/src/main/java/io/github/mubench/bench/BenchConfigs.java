package io.github.mubench.bench;

import io.github.mubench.tensor.model.LlamaConfig;

import java.util.List;

/** The configurations the peer comparisons run (the same numbers are in tools/peer_pytorch.py). */
final class BenchConfigs {
    private BenchConfigs() {
    }

    /** The yardstick: vocab 32000, d 512, 8 layers, 8 heads / 4 KV heads, FFN 1408 (56M parameters). */
    static LlamaConfig llama56M() {
        return new LlamaConfig("llama", 32000, 512, 1408, 8, 8, 4, 64, 1e-5, 10000.0, null, 2048, false, false,
                null, 1, List.of(2));
    }
}
