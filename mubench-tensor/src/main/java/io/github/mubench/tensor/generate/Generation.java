package io.github.mubench.tensor.generate;

/**
 * One continuation.
 *
 * @param promptTokens the prompt's ids
 * @param tokens       generated ids (an ending EOS included)
 * @param text         generated text, special tokens left out and cut before a stop string
 * @param finish       why generation of this row ended
 */
public record Generation(int[] promptTokens, int[] tokens, String text, Finish finish) {
    /** Why a row stopped. */
    public enum Finish {
        /** The model emitted an end-of-sequence token. */
        EOS,
        /** The text reached one of the stop strings. */
        STOP_STRING,
        /** {@code maxNewTokens} were generated. */
        LENGTH
    }
}
