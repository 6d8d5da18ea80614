package io.github.mubench.cli;

import io.github.mubench.tensor.tokenizer.Tokenizer;

import java.util.Arrays;

/** Text, or comma-separated token ids for models whose tokenizer is not loaded. */
final class TokenInput {
    private TokenInput() {
    }

    static int[] ids(String text, String ids, Tokenizer tokenizer, boolean addSpecialTokens, String what) {
        if (ids != null) {
            return Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(s -> {
                        try {
                            return Integer.parseInt(s);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(what + " ids: '" + s + "' is not an integer");
                        }
                    }).toArray();
        }
        if (text == null) {
            return null;
        }
        if (tokenizer == null) {
            throw new IllegalArgumentException("this model has no tokenizer loaded; pass " + what + " as token ids ("
                    + "--" + what + "-ids 1,2,3) or give --tokenizer");
        }
        return tokenizer.encode(text, addSpecialTokens);
    }
}
