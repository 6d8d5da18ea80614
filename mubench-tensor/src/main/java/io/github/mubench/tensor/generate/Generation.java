package io.github.mubench.tensor.generate;

import java.util.List;

/**
 * One continuation.
 *
 * @param promptTokens the prompt's ids
 * @param tokens       generated ids (an ending EOS included)
 * @param text         generated text, special tokens left out and cut before a stop string
 * @param finish       why generation of this row ended
 * @param logprobs     per generated token, its log-probability and alternatives (empty unless the config asked)
 * @param promptLogprobs per prompt token after the first, the same (empty unless the config asked for echo)
 */
public record Generation(int[] promptTokens, int[] tokens, String text, Finish finish, List<TokenLogprob> logprobs,
                         List<TokenLogprob> promptLogprobs) {
    public Generation {
        logprobs = List.copyOf(logprobs);
        promptLogprobs = List.copyOf(promptLogprobs);
    }

    /** Why a row stopped. */
    public enum Finish {
        /** The model emitted an end-of-sequence token. */
        EOS,
        /** The text reached one of the stop strings. */
        STOP_STRING,
        /** {@code maxNewTokens} were generated. */
        LENGTH,
        /** The caller stopped it ({@link TokenListener#cancelled}). */
        CANCELLED
    }
}
