package io.github.mubench.eval.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Tests of a difference between two models on the same items: McNemar's exact test for binary outcomes, a paired
 * bootstrap for scores.
 */
public final class PairedTests {
    private PairedTests() {
    }

    /**
     * A paired difference.
     *
     * @param difference mean of (after − before) over the items
     * @param lower      lower end of its 95% interval (bootstrap; for McNemar, of the paired bootstrap too)
     * @param upper      upper end
     * @param pValue     two-sided p-value of no difference
     * @param n          items compared
     * @param test       {@code mcnemar_exact} or {@code paired_bootstrap}
     */
    public record Difference(double difference, double lower, double upper, double pValue, int n, String test) {
        /** Whether the difference is significant at 5%. */
        public boolean significant() {
            return pValue < 0.05;
        }
    }

    /**
     * McNemar's exact test: of the items where the two outcomes differ, {@code b} went 1 → 0 and {@code c} 0 → 1;
     * under no difference each discordant item is a fair coin, so p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
     */
    public static double mcnemarExact(int b, int c) {
        int n = b + c;
        if (n == 0) {
            return 1;
        }
        return Math.min(1, 2 * new BinomialDistribution(null, n, 0.5).cumulativeProbability(Math.min(b, c)));
    }

    /** Binary outcomes of the same items before and after: McNemar's exact p-value, and a bootstrap interval. */
    public static Difference binary(boolean[] before, boolean[] after, long seed) {
        check(before.length, after.length);
        int b = 0, c = 0;
        double[] d = new double[before.length];
        for (int i = 0; i < before.length; i++) {
            if (before[i] && !after[i]) {
                b++;
            } else if (!before[i] && after[i]) {
                c++;
            }
            d[i] = (after[i] ? 1 : 0) - (before[i] ? 1 : 0);
        }
        Estimate ci = Intervals.mean(d, seed);
        return new Difference(ci.value(), ci.lower(), ci.upper(), mcnemarExact(b, c), before.length, "mcnemar_exact");
    }

    /**
     * Scores of the same items before and after: the mean difference with a percentile interval over
     * {@link Intervals#RESAMPLES} paired resamples, and the two-sided bootstrap p-value: twice the share of
     * resampled mean differences on the far side of 0 from the observed one (capped at 1).
     */
    public static Difference scores(double[] before, double[] after, long seed) {
        check(before.length, after.length);
        int n = before.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = after[i] - before[i];
        }
        if (n == 0) {
            return new Difference(Double.NaN, Double.NaN, Double.NaN, 1, 0, "paired_bootstrap");
        }
        double observed = Intervals.mean(d);
        double[] means = new double[Intervals.RESAMPLES];
        RandomGenerator rnd = new Well19937c(seed);
        int across = 0;
        for (int r = 0; r < means.length; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += d[rnd.nextInt(n)];
            }
            means[r] = sum / n;
            if (observed > 0 ? means[r] <= 0 : observed < 0 ? means[r] >= 0 : true) {
                across++;
            }
        }
        double p = Math.min(1, 2.0 * across / means.length);
        return new Difference(observed, Intervals.quantile(means, 0.025), Intervals.quantile(means, 0.975), p, n, "paired_bootstrap");
    }

    private static void check(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("paired tests need the same items: " + a + " vs " + b);
        }
    }
}
