package io.github.mubench.eval.stats;

/**
 * A value with its 95% (or other) interval and the number of samples behind it; every reported metric is one.
 *
 * @param value  the point estimate
 * @param lower  lower end of the interval
 * @param upper  upper end of the interval
 * @param n      samples behind the value
 * @param method how the interval was made ({@code wilson}, {@code bootstrap}, or {@code none})
 */
public record Estimate(double value, double lower, double upper, int n, String method) {
    /** A value without an interval (e.g. a perplexity over one corpus). */
    public static Estimate exact(double value, int n) {
        return new Estimate(value, value, value, n, "none");
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.4f [%.4f, %.4f] (n=%d)", value, lower, upper, n);
    }
}
