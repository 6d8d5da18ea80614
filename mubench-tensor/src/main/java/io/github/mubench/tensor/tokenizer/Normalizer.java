package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The {@code normalizer} of a tokenizer.json: text → text, applied to each span between added tokens. */
final class Normalizer {
    private Normalizer() {
    }

    /** Builds the normalizer described at {@code node} ({@code null} or JSON null: identity). */
    static UnaryOperator<String> of(JsonNode node, TokenizerJson.Context ctx) {
        if (node == null || node.isNull()) {
            return UnaryOperator.identity();
        }
        String type = ctx.text(node, "type");
        return switch (type) {
            case "Sequence" -> {
                List<UnaryOperator<String>> parts = new ArrayList<>();
                for (JsonNode n : ctx.array(node, "normalizers")) {
                    parts.add(of(n, ctx));
                }
                yield s -> {
                    for (UnaryOperator<String> p : parts) {
                        s = p.apply(s);
                    }
                    return s;
                };
            }
            case "Prepend" -> {
                String prefix = ctx.text(node, "prepend");
                yield s -> s.isEmpty() ? s : prefix + s;
            }
            case "Replace" -> TokenizerJson.replacement(node, ctx);
            case "NFC" -> s -> java.text.Normalizer.normalize(s, Form.NFC);
            case "NFD" -> s -> java.text.Normalizer.normalize(s, Form.NFD);
            case "NFKC" -> s -> java.text.Normalizer.normalize(s, Form.NFKC);
            case "NFKD" -> s -> java.text.Normalizer.normalize(s, Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(java.util.Locale.ROOT);
            default -> throw ctx.unsupported("normalizer", type, "Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase");
        };
    }
}
