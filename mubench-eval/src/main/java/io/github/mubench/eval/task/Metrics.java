package io.github.mubench.eval.task;

import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.stats.Intervals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reduces per-sample values to estimates: a value that is 0 or 1 on every sample is a proportion with a Wilson
 * interval, anything else a mean with a seeded percentile-bootstrap interval. Each value is reported overall
 * ({@code acc}) and per group ({@code acc[subject=anatomy]}); samples without a value (NaN) do not count.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Every value of the samples, overall and per group. */
    public static Map<String, Estimate> aggregate(List<Sample> samples, long seed) {
        Map<String, Estimate> out = new LinkedHashMap<>();
        for (String name : valueNames(samples)) {
            out.put(name, estimate(samples, name, seed));
        }
        Map<String, Map<String, List<Sample>>> groups = new TreeMap<>();
        for (Sample s : samples) {
            s.groups().forEach((k, v) -> groups.computeIfAbsent(k, x -> new TreeMap<>()).computeIfAbsent(v, x -> new ArrayList<>()).add(s));
        }
        groups.forEach((key, byValue) -> byValue.forEach((value, members) -> {
            for (String name : valueNames(members)) {
                out.put(name + "[" + key + "=" + value + "]", estimate(members, name, seed));
            }
        }));
        return out;
    }

    private static List<String> valueNames(List<Sample> samples) {
        List<String> names = new ArrayList<>();
        for (Sample s : samples) {
            for (String n : s.values().keySet()) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
        }
        return names;
    }

    /** The estimate of one value over the samples that have it. */
    public static Estimate estimate(List<Sample> samples, String name, long seed) {
        double[] v = samples.stream().map(s -> s.values().get(name)).filter(x -> x != null && !x.isNaN())
                .mapToDouble(Double::doubleValue).toArray();
        boolean binary = true;
        int ones = 0;
        for (double x : v) {
            binary &= x == 0 || x == 1;
            ones += x == 1 ? 1 : 0;
        }
        return binary ? Intervals.proportion(ones, v.length) : Intervals.mean(v, seed);
    }
}
