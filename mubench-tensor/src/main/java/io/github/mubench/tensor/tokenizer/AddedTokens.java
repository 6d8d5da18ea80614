package io.github.mubench.tensor.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Finds added tokens in text before the model runs, as HF's added vocabulary does: leftmost-longest matches;
 * {@code lstrip}/{@code rstrip} swallow the whitespace beside a match; {@code single_word} tokens only match
 * whole words; {@code normalized} tokens are looked for in normalized text, the others in the raw text.
 */
final class AddedTokens {
    /** One entry of tokenizer.json's {@code added_tokens}. */
    record Token(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord,
                 boolean normalized) {
    }

    /** A piece of input: an added token's id, or text for the model ({@code id < 0}). */
    record Span(String text, int id) {
        boolean isToken() {
            return id >= 0;
        }
    }

    private final List<Token> raw;
    private final List<Token> normalizedTokens;
    private final List<String> normalizedContents;

    AddedTokens(List<Token> tokens, UnaryOperator<String> normalizer) {
        Comparator<Token> longestFirst = Comparator.comparingInt((Token t) -> -t.content().length());
        raw = tokens.stream().filter(t -> !t.normalized() || t.special()).sorted(longestFirst).toList();
        normalizedTokens = tokens.stream().filter(t -> t.normalized() && !t.special()).sorted(longestFirst).toList();
        normalizedContents = normalizedTokens.stream().map(t -> normalizer.apply(t.content())).toList();
    }

    /** Splits raw text by the tokens matched on raw text. */
    List<Span> splitRaw(String text) {
        return split(text, raw, raw.stream().map(Token::content).toList());
    }

    /** Splits already-normalized text by the tokens matched on normalized text. */
    List<Span> splitNormalized(String text) {
        return normalizedTokens.isEmpty() ? List.of(new Span(text, -1)) : split(text, normalizedTokens, normalizedContents);
    }

    private static List<Span> split(String text, List<Token> tokens, List<String> contents) {
        List<Span> out = new ArrayList<>();
        if (tokens.isEmpty()) {
            out.add(new Span(text, -1));
            return out;
        }
        int textStart = 0, i = 0;
        while (i < text.length()) {
            int match = -1;
            for (int k = 0; k < tokens.size(); k++) {
                String c = contents.get(k);
                if (!c.isEmpty() && text.startsWith(c, i) && (!tokens.get(k).singleWord() || isWholeWord(text, i, i + c.length()))) {
                    match = k;
                    break; // sorted longest first
                }
            }
            if (match < 0) {
                i++;
                continue;
            }
            Token t = tokens.get(match);
            int start = i, end = i + contents.get(match).length();
            if (t.lstrip()) {
                while (start > textStart && Character.isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (t.rstrip()) {
                while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
            }
            if (start > textStart) {
                out.add(new Span(text.substring(textStart, start), -1));
            }
            out.add(new Span(text.substring(start, end), t.id()));
            textStart = end;
            i = end;
        }
        if (textStart < text.length()) {
            out.add(new Span(text.substring(textStart), -1));
        }
        return out;
    }

    private static boolean isWholeWord(String text, int start, int end) {
        boolean before = start == 0 || !Character.isLetterOrDigit(text.codePointBefore(start));
        boolean after = end == text.length() || !Character.isLetterOrDigit(text.codePointAt(end));
        return before && after;
    }
}
