package io.github.mubench.tensor.generate;

import java.util.List;

/**
 * How to continue a prompt. Sampling follows HF's order: temperature, then top-k, then top-p; temperature 0 is
 * greedy decoding.
 *
 * @param maxNewTokens generated tokens at most
 * @param temperature  0 for greedy, else the softmax temperature
 * @param topK         keep the k most likely tokens (0 = off)
 * @param topP         keep the smallest set of tokens whose probability reaches p (1 = off)
 * @param seed         seed of each row's random stream (same seed, same text)
 * @param stopStrings  generation of a row ends once its text contains one of these (the text is cut before it)
 * @param stopAtEos    whether an end-of-sequence token ends a row
 * @param logprobs     -1: no log-probabilities; k &ge; 0: each generated token's log-probability under the model
 *                     (the raw distribution, before temperature, top-k and top-p) with the k most likely alternatives
 * @param echoLogprobs whether to report the prompt's tokens' log-probabilities too (with {@code max(logprobs, 0)}
 *                     alternatives): what lm-evaluation-harness scores through an OpenAI-style API
 */
public record GenerationConfig(int maxNewTokens, double temperature, int topK, double topP, long seed,
                               List<String> stopStrings, boolean stopAtEos, int logprobs, boolean echoLogprobs) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (logprobs < -1) {
            throw new IllegalArgumentException("logprobs must be -1 (off) or >= 0, got " + logprobs);
        }
        stopStrings = List.copyOf(stopStrings);
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, stopping at EOS. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 0, 1, 0, List.of(), true, -1, false);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, temperature, topK, topP, seed, stopStrings, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withTemperature(double t) {
        return new GenerationConfig(maxNewTokens, t, topK, topP, seed, stopStrings, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withTopK(int k) {
        return new GenerationConfig(maxNewTokens, temperature, k, topP, seed, stopStrings, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withTopP(double p) {
        return new GenerationConfig(maxNewTokens, temperature, topK, p, seed, stopStrings, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withSeed(long s) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, s, stopStrings, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, stops, stopAtEos, logprobs, echoLogprobs);
    }

    public GenerationConfig withStopAtEos(boolean stop) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, stopStrings, stop, logprobs, echoLogprobs);
    }

    /** Reports each generated token's log-probability with the {@code k} most likely alternatives ({@code -1}: off). */
    public GenerationConfig withLogprobs(int k) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, stopStrings, stopAtEos, k, echoLogprobs);
    }

    /** Reports the prompt's log-probabilities too. */
    public GenerationConfig withEchoLogprobs(boolean echo) {
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, stopStrings, stopAtEos, logprobs, echo);
    }
}
