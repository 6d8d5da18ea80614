package io.github.mubench.serve;

import io.github.mubench.tensor.generate.GenerationConfig;

/**
 * One sequence a request asks for: choice {@code index} of the response.
 *
 * @param index      the choice's index (prompt × n + sample)
 * @param prompt     the prompt's token ids
 * @param promptText the prompt as text (what {@code echo} returns)
 * @param config     how to continue it
 */
record Row(int index, int[] prompt, String promptText, GenerationConfig config) {
}
