package io.github.mubench.tensor.graph;

import java.util.List;

/**
 * Low-rank adapters (LoRA, as PEFT applies them): each targeted projection {@code W} gains {@code (α/r)·B·A} with
 * {@code A [r, in]} initialised uniformly in ±1/√in and {@code B [out, r]} at zero, so training starts from the
 * base model. Only adapters train; they merge into {@code W} on save. With dropout, the adapter's input is dropped
 * elementwise with probability p and the kept values scaled by 1/(1−p) (PEFT's {@code lora_dropout}), during
 * training only.
 *
 * @param rank          r
 * @param alpha         α (the scale is α/r)
 * @param targetModules projection names, e.g. {@code q_proj}, {@code v_proj} (also k_proj, o_proj, gate_proj, up_proj, down_proj)
 * @param seed          seed of A's initialisation
 * @param dropout       p, the probability of dropping an input element of an adapter (0: none)
 */
public record LoraConfig(int rank, double alpha, List<String> targetModules, long seed, double dropout) {
    /** The projections LoRA can target. */
    public static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        }
        if (!(alpha > 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException("LoRA alpha must be a finite number > 0, got " + alpha);
        }
        targetModules = List.copyOf(targetModules);
        for (String m : targetModules) {
            if (!MODULES.contains(m)) {
                throw new IllegalArgumentException("LoRA target '" + m + "' is not a projection; expected one of " + MODULES);
            }
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Adapters without dropout. */
    public LoraConfig(int rank, double alpha, List<String> targetModules, long seed) {
        this(rank, alpha, targetModules, seed, 0);
    }

    /** Whether the projection named {@code prefix} (e.g. {@code model.layers.0.self_attn.q_proj}) gets an adapter. */
    public boolean targets(String prefix) {
        return targetModules.contains(prefix.substring(prefix.lastIndexOf('.') + 1));
    }

    /** α/r. */
    public double scale() {
        return alpha / rank;
    }
}
