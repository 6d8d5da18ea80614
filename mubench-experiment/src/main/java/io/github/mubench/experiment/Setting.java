package io.github.mubench.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One unlearning setting of an experiment: a method with its parameter values and training settings (as text, as
 * {@code --param} takes them), and a seed. Settings that differ only in their seed form a group: the report gives
 * their mean and spread.
 *
 * @param label    how the report names the method (e.g. {@code NPO})
 * @param method   the method's registry name
 * @param params   method parameters given (the rest are the method's defaults)
 * @param training training settings given (the rest are the trainer's defaults)
 * @param swept    the names among {@code params} and {@code training} whose values a sweep varies
 * @param seed     the seed
 */
public record Setting(String label, String method, Map<String, String> params, Map<String, String> training, List<String> swept, long seed) {
    public Setting {
        params = Map.copyOf(params);
        training = Map.copyOf(training);
        swept = List.copyOf(swept);
    }

    /** The label with the swept values, e.g. {@code NPO (beta=0.05, lr=1e-5)}: the same for every seed. */
    public String group() {
        if (swept.isEmpty()) {
            return label;
        }
        return label + " (" + swept.stream().map(k -> k + "=" + (params.containsKey(k) ? params.get(k) : training.get(k)))
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Every combination of the values in {@code params} and {@code training} (a list is a sweep, a single value is
     * fixed), for every seed.
     */
    static List<Setting> expand(String label, String method, Map<String, Object> params, Map<String, Object> training, List<Long> seeds) {
        List<String> swept = new ArrayList<>();
        List<Map<String, String>> paramSets = product(params, swept), trainingSets = product(training, swept);
        List<Setting> out = new ArrayList<>();
        for (Map<String, String> p : paramSets) {
            for (Map<String, String> t : trainingSets) {
                for (long seed : seeds) {
                    out.add(new Setting(label, method, p, t, swept, seed));
                }
            }
        }
        return out;
    }

    /** A value as a parameter's text: numbers without a trailing ".0" or an exponent where plain digits do. */
    private static String text(Object o) {
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            return Double.isFinite(d) ? new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString() : String.valueOf(d);
        }
        return String.valueOf(o);
    }

    private static List<Map<String, String>> product(Map<String, Object> values, List<String> swept) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (var e : values.entrySet()) {
            List<?> options = e.getValue() instanceof List<?> l ? l : java.util.Collections.singletonList(e.getValue());
            if (options.isEmpty()) {
                throw new IllegalArgumentException("'" + e.getKey() + "' sweeps over an empty list");
            }
            for (Object o : options) {
                if (o == null || o instanceof List || o instanceof Map) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' is " + (o == null ? "empty" : o)
                            + "; expected a number or text, or a list of them (a sweep)");
                }
            }
            if (options.size() > 1 && !swept.contains(e.getKey())) {
                swept.add(e.getKey());
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> m : out) {
                for (Object o : options) {
                    Map<String, String> copy = new LinkedHashMap<>(m);
                    copy.put(e.getKey(), text(o));
                    next.add(copy);
                }
            }
            out = next;
        }
        return out;
    }
}
