package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.score.Logits;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from one row of logits as a {@link GenerationConfig} says. */
final class Sampler {
    private final GenerationConfig config;

    Sampler(GenerationConfig config) {
        this.config = config;
    }

    int next(float[] logits, SplittableRandom random) {
        if (config.temperature() == 0) {
            return Logits.argmax(logits);
        }
        double[] p = distribution(logits);
        double u = random.nextDouble(), acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) {
                return i;
            }
        }
        return lastNonZero(p); // only reached when rounding leaves u just above the final sum
    }

    /**
     * The distribution a token is drawn from (temperature &gt; 0): the logits divided by the temperature, cut to the
     * top k (ties at the k-th value kept), softmaxed, cut to the nucleus of mass top p, renormalised. The order and
     * semantics of HF's temperature, top-k and top-p logits warpers.
     */
    double[] distribution(float[] logits) {
        int v = logits.length;
        double[] scaled = new double[v];
        for (int i = 0; i < v; i++) {
            scaled[i] = logits[i] / config.temperature();
        }
        if (config.topK() > 0 && config.topK() < v) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - config.topK()];
            for (int i = 0; i < v; i++) {
                if (scaled[i] < kth) {
                    scaled[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double[] p = softmax(scaled);
        if (config.topP() < 1) {
            keepNucleus(p, config.topP());
            double total = Arrays.stream(p).sum();
            for (int i = 0; i < v; i++) {
                p[i] /= total;
            }
        }
        return p;
    }

    /** Zeroes all but the most likely tokens whose cumulative probability first reaches {@code topP}. */
    private static void keepNucleus(double[] p, double topP) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length && (keep == 0 || cumulative < topP)) {
            cumulative += p[order[keep++]];
        }
        for (int i = keep; i < order.length; i++) {
            p[order[i]] = 0;
        }
    }

    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double d : x) {
            max = Math.max(max, d);
        }
        double[] e = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    private static int lastNonZero(double[] p) {
        int i = p.length - 1;
        while (i > 0 && p[i] == 0) {
            i--;
        }
        return i;
    }
}
