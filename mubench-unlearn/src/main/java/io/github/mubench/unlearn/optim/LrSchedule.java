package io.github.mubench.unlearn.optim;

/**
 * Learning rate by step: linear warm-up over {@code warmupSteps}, then constant, linear decay to 0, or cosine decay
 * to 0 at {@code totalSteps} (HF's {@code get_*_schedule_with_warmup}).
 */
public record LrSchedule(Kind kind, int warmupSteps) {
    /** The decay after warm-up. */
    public enum Kind { CONSTANT, LINEAR, COSINE }

    public LrSchedule {
        java.util.Objects.requireNonNull(kind, "kind");
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
    }

    /** A constant rate without warm-up. */
    public static LrSchedule constant() {
        return new LrSchedule(Kind.CONSTANT, 0);
    }

    /** Multiplier of the base rate at {@code step} (0-based) of {@code totalSteps}. */
    public double factor(int step, int totalSteps) {
        if (step < warmupSteps) {
            return (double) step / warmupSteps; // 0 at step 0, as HF
        }
        double progress = totalSteps <= warmupSteps ? 0 : (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return switch (kind) {
            case CONSTANT -> 1;
            case LINEAR -> Math.max(0, 1 - progress);
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
