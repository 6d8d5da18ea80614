package io.github.mubench.unlearn.methods;

import io.github.mubench.unlearn.UnlearningMethod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import io.github.mubench.tensor.model.LlamaConfig;

/** The methods by name, with their parameters by name (what the CLI's {@code --method} and {@code --param} take). */
public final class Methods {
    private record Entry(Map<String, Double> defaults, java.util.function.BiFunction<Map<String, Double>, LlamaConfig, UnlearningMethod> make) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("ga", new Entry(Map.of(), (p, c) -> new GradientAscent()));
        REGISTRY.put("graddiff", new Entry(Map.of("gamma", 1.0, "alpha", 1.0), (p, c) -> new GradDiff(p.get("gamma"), p.get("alpha"))));
        REGISTRY.put("ga_kl", new Entry(Map.of("alpha", 1.0), (p, c) -> new GaKl(p.get("alpha"))));
        REGISTRY.put("npo", new Entry(Map.of("beta", 0.1), (p, c) -> Npo.beta(p.get("beta"))));
        REGISTRY.put("npo_rt", new Entry(Map.of("beta", 0.1, "alpha", 1.0), (p, c) -> Npo.beta(p.get("beta")).withRetainNll(p.get("alpha"))));
        REGISTRY.put("npo_kl", new Entry(Map.of("beta", 0.1, "alpha", 1.0), (p, c) -> Npo.beta(p.get("beta")).withRetainKl(p.get("alpha"))));
        REGISTRY.put("simnpo", new Entry(Map.of("beta", 2.5, "delta", 0.0, "alpha", 1.0),
                (p, c) -> new SimNpo(p.get("beta"), p.get("delta"), p.get("alpha"))));
        REGISTRY.put("sku", new Entry(Map.of("eps1", 0.5, "eps2", 1.0, "eps3", 1.0, "k", 5.0, "lambda", 1.0),
                (p, c) -> new Sku(p.get("eps1"), p.get("eps2"), p.get("eps3"), whole(p, "k"), p.get("lambda"))));
        REGISTRY.put("eraser", new Entry(Map.of("gamma", 1.8, "retain_weight", 1.0, "refusal_weight", 1.0),
                (p, c) -> new Eraser(p.get("gamma"), p.get("retain_weight"), p.get("refusal_weight"))));
        REGISTRY.put("llmu", new Entry(Map.of("eps1", 0.5, "eps2", 1.0, "eps3", 1.0, "k", 5.0),
                (p, c) -> new Llmu(p.get("eps1"), p.get("eps2"), p.get("eps3"), whole(p, "k"))));
        REGISTRY.put("safe_unlearning", new Entry(Map.of("alpha", 0.3, "beta", 1.0, "theta", 0.5),
                (p, c) -> new SafeUnlearning(p.get("alpha"), p.get("beta"), p.get("theta"))));
        REGISTRY.put("dpo", new Entry(Map.of("beta", 0.1), (p, c) -> new Dpo(p.get("beta"))));
        REGISTRY.put("finetune", new Entry(Map.of(), (p, c) -> new FineTune()));
        REGISTRY.put("task_vector", new Entry(Map.of("lambda", 1.0), (p, c) -> new TaskVectorNegation(p.get("lambda"))));
        // layer -1: a quarter of the model's depth, as mu-methods.md suggests for small models
        REGISTRY.put("rmu", new Entry(Map.of("layer", -1.0, "c", 6.5, "alpha", 1200.0, "seed", 0.0),
                (p, c) -> Rmu.at(p.get("layer") < 0 ? Math.max(0, c.numLayers() / 4) : p.get("layer").intValue(),
                        p.get("c"), p.get("alpha"), c.hiddenSize(), p.get("seed").longValue())));
    }

    private Methods() {
    }

    private static int whole(Map<String, Double> p, String name) {
        double v = p.get(name);
        if (v != Math.rint(v)) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a whole number, got " + v);
        }
        return (int) v;
    }

    /** Method names, in registry order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /**
     * The named method with {@code params} over its defaults, for a model of architecture {@code config}.
     *
     * @throws IllegalArgumentException for an unknown method or parameter, naming what is accepted
     */
    public static UnlearningMethod create(String name, Map<String, Double> params, LlamaConfig config) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known: " + REGISTRY.keySet());
        }
        Map<String, Double> p = new LinkedHashMap<>(e.defaults());
        for (var kv : params.entrySet()) {
            if (!e.defaults().containsKey(kv.getKey())) {
                throw new IllegalArgumentException("method '" + name + "' has no parameter '" + kv.getKey() + "'; it takes "
                        + (e.defaults().isEmpty() ? "none" : new TreeSet<>(e.defaults().keySet())));
            }
            p.put(kv.getKey(), kv.getValue());
        }
        return e.make().apply(p, config);
    }
}
