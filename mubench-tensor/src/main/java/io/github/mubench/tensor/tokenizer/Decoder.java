package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code decoder} of a tokenizer.json: a chain that turns token strings back into text pieces. */
interface Decoder {
    /** Transforms the token strings (a chain step may fuse them into one). */
    List<String> decode(List<String> tokens);

    Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

    /** Builds the decoder described at {@code node} ({@code null}: tokens are concatenated as they are). */
    static Decoder of(JsonNode node, TokenizerJson.Context ctx) {
        if (node == null || node.isNull()) {
            return tokens -> tokens;
        }
        String type = ctx.text(node, "type");
        return switch (type) {
            case "Sequence" -> {
                List<Decoder> parts = new ArrayList<>();
                for (JsonNode n : ctx.array(node, "decoders")) {
                    parts.add(of(n, ctx));
                }
                yield tokens -> {
                    for (Decoder d : parts) {
                        tokens = d.decode(tokens);
                    }
                    return tokens;
                };
            }
            case "ByteLevel" -> tokens -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (String t : tokens) {
                    ByteLevelAlphabet.decodeInto(t, out);
                }
                return List.of(out.toString(StandardCharsets.UTF_8));
            };
            case "Replace" -> {
                UnaryOperator<String> r = TokenizerJson.replacement(node, ctx);
                yield tokens -> tokens.stream().map(r).toList();
            }
            case "ByteFallback" -> Decoder::byteFallback;
            case "Fuse" -> tokens -> List.of(String.join("", tokens));
            case "Strip" -> {
                String content = ctx.text(node, "content");
                int start = node.path("start").asInt(0), stop = node.path("stop").asInt(0);
                yield tokens -> tokens.stream().map(t -> strip(t, content, start, stop)).toList();
            }
            case "Metaspace" -> {
                String replacement = ctx.text(node, "replacement");
                String scheme = node.has("prepend_scheme") ? ctx.text(node, "prepend_scheme")
                        : ctx.bool(node, "add_prefix_space", true) ? "always" : "never";
                yield tokens -> {
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < tokens.size(); i++) {
                        String t = tokens.get(i).replace(replacement, " ");
                        if (i == 0 && !scheme.equals("never") && t.startsWith(" ")) {
                            t = t.substring(1);
                        }
                        out.add(t);
                    }
                    return out;
                };
            }
            default -> throw ctx.unsupported("decoder", type, "Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace");
        };
    }

    /** Runs of {@code <0xXX>} tokens become their UTF-8 text; an invalid run gives one U+FFFD per byte (as HF). */
    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (String t : tokens) {
            Matcher m = BYTE_TOKEN.matcher(t);
            if (m.matches()) {
                pending.write(Integer.parseInt(m.group(1), 16));
                continue;
            }
            flush(pending, out);
            out.add(t);
        }
        flush(pending, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream pending, List<String> out) {
        if (pending.size() == 0) {
            return;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        try {
            out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < bytes.length; i++) {
                out.add("\uFFFD");
            }
        }
    }

    private static String strip(String t, String content, int start, int stop) {
        int from = 0, to = t.length();
        for (int i = 0; i < start && t.startsWith(content, from); i++) {
            from += content.length();
        }
        for (int i = 0; i < stop && to - content.length() >= from && t.startsWith(content, to - content.length()); i++) {
            to -= content.length();
        }
        return t.substring(from, to);
    }
}
