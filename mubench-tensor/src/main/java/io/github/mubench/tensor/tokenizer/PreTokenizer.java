package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code pre_tokenizer} of a tokenizer.json: splits a normalized span into the words BPE sees. */
interface PreTokenizer {
    /** GPT-2's split pattern, used by the ByteLevel pre-tokenizer's {@code use_regex}. */
    Pattern GPT2 = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * @param pieces    the current split of a span
     * @param firstSpan whether the span starts the input (Metaspace's {@code prepend_scheme: first})
     */
    List<String> split(List<String> pieces, boolean firstSpan);

    /** How a {@code Split} pre-tokenizer treats what its pattern matches. */
    enum Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

    /** Builds the pre-tokenizer described at {@code node} ({@code null} or JSON null: none). */
    static PreTokenizer of(JsonNode node, TokenizerJson.Context ctx) {
        if (node == null || node.isNull()) {
            return (pieces, first) -> pieces;
        }
        String type = ctx.text(node, "type");
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> parts = new ArrayList<>();
                for (JsonNode n : ctx.array(node, "pretokenizers")) {
                    parts.add(of(n, ctx));
                }
                yield (pieces, first) -> {
                    for (PreTokenizer p : parts) {
                        pieces = p.split(pieces, first);
                    }
                    return pieces;
                };
            }
            case "ByteLevel" -> byteLevel(ctx.bool(node, "add_prefix_space", true), ctx.bool(node, "use_regex", true));
            case "Split" -> {
                BudgetedRegex p = new BudgetedRegex(TokenizerJson.pattern(node.get("pattern"), ctx), ctx.file(), ctx.where() + ".pattern");
                Behavior behavior;
                try {
                    behavior = Behavior.valueOf(ctx.text(node, "behavior"));
                } catch (IllegalArgumentException e) {
                    throw ctx.unsupported("Split behavior", ctx.text(node, "behavior"),
                            "Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
                }
                boolean invert = ctx.bool(node, "invert", false);
                yield (pieces, first) -> eachPiece(pieces, s -> splitBy(s, p.matcher(s), behavior, invert));
            }
            case "Metaspace" -> metaspace(node, ctx);
            case "Digits" -> {
                Pattern p = Pattern.compile(ctx.bool(node, "individual_digits", false) ? "\\p{N}" : "\\p{N}+");
                yield (pieces, first) -> eachPiece(pieces, s -> splitBy(s, p.matcher(s), Behavior.Isolated, false));
            }
            case "Whitespace" -> {
                Pattern p = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
                yield (pieces, first) -> eachPiece(pieces, s -> splitBy(s, p.matcher(s), Behavior.Removed, true));
            }
            case "WhitespaceSplit" -> {
                Pattern p = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
                yield (pieces, first) -> eachPiece(pieces, s -> splitBy(s, p.matcher(s), Behavior.Removed, false));
            }
            default -> throw ctx.unsupported("pre_tokenizer", type,
                    "Sequence, ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit");
        };
    }

    private static PreTokenizer byteLevel(boolean addPrefixSpace, boolean useRegex) {
        return (pieces, first) -> {
            List<String> out = new ArrayList<>();
            for (String s : pieces) {
                String text = addPrefixSpace && !s.startsWith(" ") ? " " + s : s;
                for (String w : useRegex ? splitBy(text, GPT2.matcher(text), Behavior.Isolated, false) : List.of(text)) {
                    out.add(ByteLevelAlphabet.encode(w));
                }
            }
            return out;
        };
    }

    private static PreTokenizer metaspace(JsonNode node, TokenizerJson.Context ctx) {
        String replacement = ctx.text(node, "replacement");
        String scheme = node.has("prepend_scheme") ? ctx.text(node, "prepend_scheme")
                : ctx.bool(node, "add_prefix_space", true) ? "always" : "never";
        boolean split = ctx.bool(node, "split", true);
        Pattern onReplacement = Pattern.compile(Pattern.quote(replacement));
        return (pieces, first) -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                String s = pieces.get(i).replace(" ", replacement);
                boolean prepend = scheme.equals("always") || (scheme.equals("first") && first && i == 0);
                if (prepend && !s.startsWith(replacement)) {
                    s = replacement + s;
                }
                out.addAll(split ? splitBy(s, onReplacement.matcher(s), Behavior.MergedWithNext, false) : List.of(s));
            }
            return out;
        };
    }

    private static List<String> eachPiece(List<String> pieces, java.util.function.Function<String, List<String>> f) {
        List<String> out = new ArrayList<>();
        for (String s : pieces) {
            out.addAll(f.apply(s));
        }
        return out;
    }

    /**
     * HF's {@code split} with a behaviour: the matches of {@code m} (a matcher over {@code s}) and the text between
     * them, arranged as {@code behavior} says.
     */
    static List<String> splitBy(String s, Matcher m, Behavior behavior, boolean invert) {
        // (text, isMatch) in order, empty spans dropped
        List<String> parts = new ArrayList<>();
        List<Boolean> isMatch = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (m.start() > last) {
                parts.add(s.substring(last, m.start()));
                isMatch.add(invert);
            }
            parts.add(m.group());
            isMatch.add(!invert);
            last = m.end();
        }
        if (last < s.length()) {
            parts.add(s.substring(last));
            isMatch.add(invert);
        }
        List<String> out = new ArrayList<>();
        switch (behavior) {
            case Isolated -> out.addAll(parts);
            case Removed -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (!isMatch.get(i)) {
                        out.add(parts.get(i));
                    }
                }
            }
            case MergedWithPrevious -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (isMatch.get(i) && !out.isEmpty() && !isMatch.get(i - 1)) {
                        out.set(out.size() - 1, out.get(out.size() - 1) + parts.get(i));
                    } else {
                        out.add(parts.get(i));
                    }
                }
            }
            case MergedWithNext -> {
                String pending = null;
                for (int i = 0; i < parts.size(); i++) {
                    if (isMatch.get(i)) {
                        pending = pending == null ? parts.get(i) : pending + parts.get(i);
                        if (i + 1 < parts.size() && isMatch.get(i + 1)) {
                            out.add(pending);
                            pending = null;
                        }
                    } else {
                        out.add(pending == null ? parts.get(i) : pending + parts.get(i));
                        pending = null;
                    }
                }
                if (pending != null) {
                    out.add(pending);
                }
            }
            case Contiguous -> {
                for (int i = 0; i < parts.size(); i++) {
                    if (i > 0 && isMatch.get(i) && isMatch.get(i - 1)) {
                        out.set(out.size() - 1, out.get(out.size() - 1) + parts.get(i));
                    } else {
                        out.add(parts.get(i));
                    }
                }
            }
        }
        return out;
    }
}
