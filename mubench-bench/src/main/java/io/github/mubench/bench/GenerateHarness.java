package io.github.mubench.bench;

import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Peer harness: greedy generation with a KV cache on the 56M-parameter Llama — batch 16 × 128 new tokens, and
 * batch 1 (ms per token) — the same work as {@code tools/peer_pytorch.py generate}. Prompts are 16 random tokens.
 * <p>
 * Usage: {@code GenerateHarness [repeats=3]}
 */
public final class GenerateHarness {
    private GenerateHarness() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        LlamaConfig c = BenchConfigs.llama56M();
        Generator gen = new Generator(Kernels.inference(new Checkpoint(c, RandomWeights.of(c, 0))), null);
        GenerationConfig cfg = GenerationConfig.greedy(128).withStopAtEos(false);
        for (int r = 0; r < repeats; r++) {
            double batched = seconds(gen, prompts(16, c), cfg);
            System.out.printf("{\"event\":\"generate\",\"batch\":16,\"new_tokens\":128,\"seconds\":%.3f,\"tokens_per_s\":%.1f,\"rss_mib\":%.0f}%n",
                    batched, 16 * 128 / batched, Meters.rssMiB());
            double single = seconds(gen, prompts(1, c), cfg);
            System.out.printf("{\"event\":\"decode\",\"batch\":1,\"ms_per_token\":%.2f}%n", 1000 * single / 128);
            System.gc();
        }
    }

    private static double seconds(Generator gen, List<int[]> prompts, GenerationConfig cfg) {
        long s = System.nanoTime();
        gen.generateIds(prompts, cfg, null);
        return (System.nanoTime() - s) / 1e9;
    }

    private static List<int[]> prompts(int n, LlamaConfig c) {
        SplittableRandom rnd = new SplittableRandom(0);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(rnd.ints(16, 3, c.vocabSize()).toArray());
        }
        return out;
    }
}
