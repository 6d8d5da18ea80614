package io.github.mubench.serve;

import io.github.mubench.tensor.generate.GenerationConfig;

import java.util.concurrent.ThreadLocalRandom;

/** The sampling fields both generation endpoints share, as a {@link GenerationConfig}. */
final class Sampling {
    private Sampling() {
    }

    /**
     * {@code temperature} (default 1, as OpenAI), {@code top_p}, vLLM's {@code top_k} (-1 or 0: off), {@code stop},
     * {@code seed} (default: a random one) and {@code ignore_eos}; penalties and logit biases are refused.
     */
    static GenerationConfig config(Fields f, int maxTokens) {
        f.unsupported("presence_penalty", 0);
        f.unsupported("frequency_penalty", 0);
        f.unsupported("repetition_penalty", 1);
        f.unsupported("logit_bias");
        double temperature = f.number("temperature", 1, 0, 2, false);
        double topP = f.number("top_p", 1, 0, 1, true);
        int topK = f.integer("top_k", 0, -1, Integer.MAX_VALUE);
        long seed = f.seed("seed", ThreadLocalRandom.current().nextLong());
        return GenerationConfig.greedy(maxTokens).withTemperature(temperature).withTopP(topP).withTopK(Math.max(topK, 0))
                .withSeed(seed).withStopStrings(f.stops("stop")).withStopAtEos(!f.bool("ignore_eos", false));
    }
}
