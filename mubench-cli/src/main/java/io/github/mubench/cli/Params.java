package io.github.mubench.cli;

import io.github.mubench.tensor.param.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --param KEY=VALUE} options, and the parameter listings, of {@code unlearn} and {@code attack}. */
final class Params {
    private Params() {
    }

    /** Keys (trimmed) to values, in the order given. */
    static Map<String, String> parse(List<String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : params) {
            String[] parts = kv.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("--param '" + kv + "': expected KEY=VALUE");
            }
            out.put(parts[0].trim(), parts[1]);
        }
        return out;
    }

    /** Indented lines {@code name (type, default D): doc}, one per declared parameter, or "(no parameters)". */
    static String listing(List<Parameters.Declared> declared) {
        if (declared.isEmpty()) {
            return "      (no parameters)\n";
        }
        StringBuilder b = new StringBuilder();
        for (Parameters.Declared d : declared) {
            b.append(String.format("      %-16s %s, default %s: %s%n", d.name(), d.typeName(), d.defaultValue(), d.doc()));
        }
        return b.toString();
    }
}
