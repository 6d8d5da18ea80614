package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.io.FormatException;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Helpers for reading tokenizer.json components, with errors that name the file and the component. */
final class TokenizerJson {
    private TokenizerJson() {
    }

    /** Where in which file a component is being read, for error messages. */
    record Context(Path file, String where) {
        Context at(String child) {
            return new Context(file, where + "." + child);
        }

        String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                throw new FormatException(file, where + "." + field, (v == null ? "missing" : v.toString()) + "; expected a string");
            }
            return v.asText();
        }

        boolean bool(JsonNode node, String field, boolean dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new FormatException(file, where + "." + field, v + "; expected true or false");
            }
            return v.asBoolean();
        }

        JsonNode array(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isArray()) {
                throw new FormatException(file, where + "." + field, (v == null ? "missing" : v.toString()) + "; expected an array");
            }
            return v;
        }

        FormatException unsupported(String component, String type, String supported) {
            return new FormatException(file, where + ".type", component + " type '" + type
                    + "' is not supported; supported: " + supported);
        }
    }

    /** A {@code pattern} object: {@code {"String": s}} (literal) or {@code {"Regex": r}}. */
    static Pattern pattern(JsonNode p, Context ctx) {
        if (p != null && p.has("String")) {
            return Pattern.compile(Pattern.quote(p.get("String").asText()));
        }
        if (p != null && p.has("Regex")) {
            try {
                return Pattern.compile(p.get("Regex").asText(), Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new FormatException(ctx.file(), ctx.where() + ".pattern", "regex does not compile in Java: " + e.getDescription());
            }
        }
        throw new FormatException(ctx.file(), ctx.where() + ".pattern", p + "; expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /** A {@code Replace} component: every match of {@code pattern} becomes {@code content}. */
    static UnaryOperator<String> replacement(JsonNode node, Context ctx) {
        BudgetedRegex p = new BudgetedRegex(pattern(node.get("pattern"), ctx), ctx.file(), ctx.where() + ".pattern");
        String content = java.util.regex.Matcher.quoteReplacement(ctx.text(node, "content"));
        return s -> p.matcher(s).replaceAll(content);
    }
}
