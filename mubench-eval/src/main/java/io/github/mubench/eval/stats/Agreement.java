package io.github.mubench.eval.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** How far two judges agree on the same samples: Cohen's κ and the confusion matrix of their labels. */
public final class Agreement {
    private Agreement() {
    }

    /**
     * @param labels    the labels either judge used, sorted
     * @param confusion counts: {@code confusion[i][j]} samples the first judge labelled {@code labels[i]} and the
     *                  second {@code labels[j]}
     * @param kappa     Cohen's κ = (p_o − p_e) / (1 − p_e); 1 when both judges use one and the same label throughout
     * @param observed  p_o, the share of samples with the same label
     * @param n         samples
     */
    public record Result(List<String> labels, int[][] confusion, double kappa, double observed, int n) {
    }

    /** Agreement of two judges' labels on the same samples (same order). */
    public static Result of(List<String> first, List<String> second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("agreement needs labels of the same samples: " + first.size() + " vs " + second.size());
        }
        TreeSet<String> all = new TreeSet<>(first);
        all.addAll(second);
        List<String> labels = new ArrayList<>(all);
        Map<String, Integer> index = new TreeMap<>();
        labels.forEach(l -> index.put(l, index.size()));
        int k = labels.size(), n = first.size();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < n; i++) {
            confusion[index.get(first.get(i))][index.get(second.get(i))]++;
        }
        double agree = 0, expected = 0;
        for (int i = 0; i < k; i++) {
            agree += confusion[i][i];
            double row = 0, col = 0;
            for (int j = 0; j < k; j++) {
                row += confusion[i][j];
                col += confusion[j][i];
            }
            expected += row * col;
        }
        double po = n == 0 ? Double.NaN : agree / n, pe = n == 0 ? Double.NaN : expected / ((double) n * n);
        double kappa = pe == 1 ? (po == 1 ? 1 : 0) : (po - pe) / (1 - pe);
        return new Result(labels, confusion, kappa, po, n);
    }
}
