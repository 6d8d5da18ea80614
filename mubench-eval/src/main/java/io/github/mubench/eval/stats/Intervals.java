package io.github.mubench.eval.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Confidence intervals: Wilson's score interval for proportions, and a seeded percentile bootstrap for means of
 * anything else. Numerics are Apache Commons Math's.
 */
public final class Intervals {
    /** The confidence of every reported interval. */
    public static final double CONFIDENCE = 0.95;
    /** Bootstrap resamples of every reported bootstrap interval. */
    public static final int RESAMPLES = 2000;

    private Intervals() {
    }

    /** The two-sided normal quantile for {@code confidence} (1.96 for 95%). */
    static double z(double confidence) {
        return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    /** {@code successes} out of {@code n} with its 95% Wilson interval. */
    public static Estimate proportion(int successes, int n) {
        return wilson(successes, n, CONFIDENCE);
    }

    /** Wilson's score interval; {@code n = 0} gives NaN with the full [0, 1] interval. */
    public static Estimate wilson(int successes, int n, double confidence) {
        if (successes < 0 || successes > n) {
            throw new IllegalArgumentException(successes + " successes out of " + n);
        }
        if (n == 0) {
            return new Estimate(Double.NaN, 0, 1, 0, "wilson");
        }
        double z = z(confidence), p = (double) successes / n, z2 = z * z;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Estimate(p, Math.max(0, center - half), Math.min(1, center + half), n, "wilson");
    }

    /** The mean of {@code values} with a 95% percentile-bootstrap interval, seeded. */
    public static Estimate mean(double[] values, long seed) {
        return bootstrapMean(values, RESAMPLES, seed, CONFIDENCE);
    }

    /**
     * Percentile bootstrap of the mean: {@code resamples} means of samples drawn with replacement, the interval their
     * (1−c)/2 and (1+c)/2 quantiles (linear interpolation, numpy's default).
     */
    public static Estimate bootstrapMean(double[] values, int resamples, long seed, double confidence) {
        int n = values.length;
        if (n == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0, "bootstrap");
        }
        double[] means = new double[resamples];
        RandomGenerator rnd = new Well19937c(seed);
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += values[rnd.nextInt(n)];
            }
            means[r] = sum / n;
        }
        return new Estimate(mean(values), quantile(means, (1 - confidence) / 2), quantile(means, (1 + confidence) / 2), n, "bootstrap");
    }

    static double quantile(double[] values, double q) {
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, q * 100);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
