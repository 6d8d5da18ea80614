package io.github.mubench.serve;

import io.github.mubench.tensor.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Each token's text as it reads in its sequence: the difference between decoding a short window ending with the
 * token and the same window without it. The window (8 tokens) keeps a SentencePiece word-start space and joins the
 * bytes of a character split over byte-level tokens, which decoding one token alone would get wrong.
 */
final class TokenPieces {
    private static final int WINDOW = 8;

    private TokenPieces() {
    }

    /** A copy of the tokens that decide how token {@code i} reads: it and the window before it (it last). */
    static int[] window(int[] ids, int i) {
        return Arrays.copyOfRange(ids, Math.max(0, i - WINDOW), i + 1);
    }

    /** Token {@code i} of {@code ids} in its context, special tokens written out (as OpenAI-style logprobs show them). */
    static String piece(Tokenizer tokenizer, int[] ids, int i) {
        return piece(tokenizer, ids, i, false);
    }

    /** Same, special tokens written out or left out (as in a response's text, for text offsets). */
    static String piece(Tokenizer tokenizer, int[] ids, int i, boolean skipSpecial) {
        int from = Math.max(0, i - WINDOW);
        String before = tokenizer.decode(Arrays.copyOfRange(ids, from, i), skipSpecial);
        String with = tokenizer.decode(Arrays.copyOfRange(ids, from, i + 1), skipSpecial);
        return with.startsWith(before) ? with.substring(before.length()) : tokenizer.decode(new int[]{ids[i]}, skipSpecial);
    }
}
