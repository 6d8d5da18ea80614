package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of a request's JSON fields, each refusing a wrong type or range with a 400 naming the field. */
final class Fields {
    private final JsonNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        this.body = body;
    }

    JsonNode node(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    int integer(String name, int fallback, int min, int max) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.canConvertToInt() || !(n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble())))) {
            throw ApiException.invalid(name, name + " must be an integer, got " + n);
        }
        int v = n.asInt();
        if (v < min || v > max) {
            throw ApiException.invalid(name, name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    long seed(String name, long fallback) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiException.invalid(name, name + " must be an integer, got " + n);
        }
        return n.asLong();
    }

    double number(String name, double fallback, double min, double max, boolean minOpen) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw ApiException.invalid(name, name + " must be a number, got " + n);
        }
        double v = n.asDouble();
        if (!(minOpen ? v > min : v >= min) || v > max) {
            throw ApiException.invalid(name, name + " must be in " + (minOpen ? "(" : "[") + min + ", " + max + "], got " + v);
        }
        return v;
    }

    boolean bool(String name, boolean fallback) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid(name, name + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    String text(String name, String fallback) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiException.invalid(name, name + " must be a string, got " + n.getNodeType().name().toLowerCase());
        }
        return n.asText();
    }

    /** {@code stop}: a string or a list of up to four strings. */
    List<String> stops(String name) {
        JsonNode n = node(name);
        if (n == null) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(n.asText());
        }
        if (!n.isArray() || n.size() > 4) {
            throw ApiException.invalid(name, name + " must be a string or a list of at most 4 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isTextual()) {
                throw ApiException.invalid(name, name + " must hold strings only, got " + s);
            }
            out.add(s.asText());
        }
        return out;
    }

    /** Refuses a field this server does not implement when it is set to anything but its no-op value. */
    void unsupported(String name, double noOp) {
        JsonNode n = node(name);
        if (n != null && !(n.isNumber() && n.asDouble() == noOp)) {
            throw ApiException.invalid(name, name + " is not supported by mubench serve");
        }
    }

    /** Refuses a field this server does not implement when it is present at all. */
    void unsupported(String name) {
        JsonNode n = node(name);
        if (n != null && !(n.isObject() && n.isEmpty())) {
            throw ApiException.invalid(name, name + " is not supported by mubench serve");
        }
    }

    /** A JSON array of token ids, each checked against the vocabulary. */
    static int[] tokenIds(JsonNode array, int vocab, String param) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0 || t.asInt() >= vocab) {
                throw ApiException.invalid(param, "token ids must be integers in [0, " + vocab + "), got " + t);
            }
            ids[i] = t.asInt();
        }
        return ids;
    }
}
