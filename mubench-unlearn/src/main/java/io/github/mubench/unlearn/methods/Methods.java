package io.github.mubench.unlearn.methods;

import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.UnlearningMethod;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The methods by name (what the CLI's {@code --method} takes). Each entry is a method record and, for variants such
 * as NPO+RT, values that differ from its declared defaults; parameter names, types, defaults and docs come from the
 * record's {@link io.github.mubench.tensor.param.Param} declarations.
 */
public final class Methods {
    /**
     * One registered method.
     *
     * @param name    as {@code --method} spells it
     * @param type    the method record
     * @param variant parameter values that make this entry differ from the record's defaults (NPO+RT: retain_nll 1)
     * @param summary the loss, in one line
     */
    public record Entry(String name, Class<? extends Record> type, Map<String, String> variant, String summary) {
        /** The declared parameters, with this entry's defaults. */
        public List<Parameters.Declared> parameters() {
            return Parameters.of(type).stream()
                    .map(d -> variant.containsKey(d.name()) ? new Parameters.Declared(d.name(), d.component(), variant.get(d.name()), d.doc()) : d)
                    .toList();
        }

        /** The method with {@code values} over this entry's defaults. */
        public UnlearningMethod create(Map<String, String> values) {
            Map<String, String> all = new LinkedHashMap<>(variant);
            all.putAll(values);
            return (UnlearningMethod) Parameters.create(type, all, "method '" + name + "'");
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    private static <M extends Record & UnlearningMethod> void add(String name, Class<M> type, String summary) {
        add(name, type, Map.of(), summary);
    }

    private static <M extends Record & UnlearningMethod> void add(String name, Class<M> type, Map<String, String> variant, String summary) {
        REGISTRY.put(name, new Entry(name, type, variant, summary));
    }

    static {
        add("ga", GradientAscent.class, "−NLL(D_f)");
        add("graddiff", GradDiff.class, "−γ·NLL(D_f) + α·NLL(D_r)");
        add("ga_kl", GaKl.class, "−NLL(D_f) + α·KL(π_ref‖π_θ) on D_r");
        add("npo", Npo.class, "(2/β)·E[softplus(β(S_θ − S_ref))], summed S");
        add("npo_rt", Npo.class, Map.of("retain_nll", "1"), "NPO + retain_nll·NLL(D_r)");
        add("npo_kl", Npo.class, Map.of("retain_kl", "1"), "NPO + retain_kl·KL(π_ref‖π_θ) on D_r");
        add("simnpo", SimNpo.class, "−(2/β)·E[log σ(−β·S̄_θ − δ)] + α·NLL(D_r), mean S̄");
        add("rmu", Rmu.class, "mean‖h_ℓ(x_f) − c·u‖² + α·mean‖h_ℓ(x_r) − h_ℓ^ref(x_r)‖²; trains mlp.down_proj of layers ℓ−2..ℓ");
        add("sku", Sku.class, "stage 1: ε1·NLL(D_f) + ε2·NLL(x_f, K other harmful responses) − ε3·KL on D_r; stage 2: θ0 − λ(θ_h − θ0)");
        add("eraser", Eraser.class, "max(0, γ − NLL(D_f)) + KL on D_r + KL on (x_f, refusal)");
        add("llmu", Llmu.class, "−ε1·NLL(D_f) + ε2·NLL(x_f, K random benign answers) + ε3·KL on D_r");
        add("safe_unlearning", SafeUnlearning.class, "NLL(D_r) + θ·NLL(x_f, refusal) − α·E[log σ(−β(S̄_θ − S̄_ref))], mean S̄");
        add("dpo", Dpo.class, "−(2/β)·E[log σ(β[(S_θ(y_w) − S_ref(y_w)) − (S_θ(y_l) − S_ref(y_l))])], y_w refusal, y_l harmful");
        add("task_vector", TaskVectorNegation.class, "fine-tune on D_f, then θ0 − λ(θ_ft − θ0)");
        add("finetune", FineTune.class, "NLL(D_f): plants a forget set in tests, benchmarks and the demo");
    }

    private Methods() {
    }

    /** Method names, in registry order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /** Every entry, in registry order. */
    public static Collection<Entry> entries() {
        return REGISTRY.values();
    }

    /**
     * The entry of {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }

    /**
     * The named method with {@code params} (by name, as text) over its defaults.
     *
     * @throws IllegalArgumentException for an unknown method or parameter (naming what is accepted), or a bad value
     */
    public static UnlearningMethod create(String name, Map<String, String> params) {
        return entry(name).create(params);
    }
}
