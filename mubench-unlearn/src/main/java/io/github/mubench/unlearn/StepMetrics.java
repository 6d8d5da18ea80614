package io.github.mubench.unlearn;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}. With gradient accumulation the losses are means over the step's micro-batches.
 *
 * @param step      1-based optimizer step (the number of steps taken once this one is applied, as HF's
 *                  {@code global_step})
 * @param lr        learning rate used
 * @param loss      the method's loss before the step
 * @param terms     the loss's named parts (see {@link LossTerms#term}), e.g. {@code npo} and {@code retain_kl}
 * @param forgetNll token-mean NLL of the step's forget rows
 * @param retainNll token-mean NLL of the step's retain rows (NaN without retain rows; {@code null} in JSON)
 * @param gradNorm  global L2 norm of the gradient (before clipping)
 * @param seconds   wall time of the step
 */
public record StepMetrics(int step, double lr, double loss, Map<String, Double> terms, double forgetNll,
                          double retainNll, double gradNorm, double seconds) {
    public StepMetrics {
        terms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** The JSON object of a {@code metrics.jsonl} line (snake_case; non-finite numbers as {@code null}). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("lr", lr);
        m.put("loss", finite(loss));
        Map<String, Object> t = new LinkedHashMap<>();
        terms.forEach((k, v) -> t.put(k, finite(v)));
        m.put("terms", t);
        m.put("forget_nll", finite(forgetNll));
        m.put("retain_nll", finite(retainNll));
        m.put("grad_norm", finite(gradNorm));
        m.put("seconds", seconds);
        return m;
    }

    /** Reads a line written by {@link #toJson()}. */
    public static StepMetrics fromJson(JsonNode n) {
        Map<String, Double> terms = new LinkedHashMap<>();
        n.path("terms").fields().forEachRemaining(e -> terms.put(e.getKey(), number(e.getValue())));
        return new StepMetrics(n.path("step").asInt(), n.path("lr").asDouble(), number(n.get("loss")), terms,
                number(n.get("forget_nll")), number(n.get("retain_nll")), number(n.get("grad_norm")), n.path("seconds").asDouble());
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double number(JsonNode v) {
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
