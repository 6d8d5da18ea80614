package io.github.mubench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --param KEY=VALUE} options of {@code unlearn} and {@code attack}. */
final class Params {
    private Params() {
    }

    /** Keys (trimmed) to values, in the order given. */
    static Map<String, String> parse(List<String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : params) {
            String[] parts = kv.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--param '" + kv + "': expected KEY=VALUE");
            }
            out.put(parts[0].trim(), parts[1]);
        }
        return out;
    }

    /** The same, with every value a number. */
    static Map<String, Double> numbers(List<String> params) {
        Map<String, Double> out = new LinkedHashMap<>();
        parse(params).forEach((k, v) -> {
            try {
                out.put(k, Double.parseDouble(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--param '" + k + "=" + v + "': value is not a number");
            }
        });
        return out;
    }
}
