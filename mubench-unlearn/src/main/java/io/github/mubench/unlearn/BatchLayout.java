package io.github.mubench.unlearn;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many rows of each {@link RowGroup} a batch holds; the groups lie one after another in enum order.
 */
public final class BatchLayout {
    private final EnumMap<RowGroup, Integer> counts = new EnumMap<>(RowGroup.class);

    private BatchLayout(Map<RowGroup, Integer> counts) {
        for (RowGroup g : RowGroup.values()) {
            int n = counts.getOrDefault(g, 0);
            if (n < 0) {
                throw new IllegalArgumentException("negative row count for " + g);
            }
            this.counts.put(g, n);
        }
        if (count(RowGroup.FORGET) < 1) {
            throw new IllegalArgumentException("a batch needs at least one forget row");
        }
    }

    /** A layout with the given rows per group (groups left out have none). */
    public static BatchLayout of(Map<RowGroup, Integer> counts) {
        return new BatchLayout(counts);
    }

    /**
     * The layout a method's loss needs: {@code forgetRows} forget rows, {@code retainRows} retain rows if it reads
     * them, {@code mismatches} random rows per forget row for each {@code RANDOM_*} group, one refusal row per
     * forget row.
     */
    public static BatchLayout forMethod(UnlearningMethod method, int forgetRows, int retainRows) {
        Map<RowGroup, Integer> m = new EnumMap<>(RowGroup.class);
        for (RowGroup g : method.rowGroups()) {
            m.put(g, switch (g) {
                case FORGET, REFUSAL -> forgetRows;
                case RETAIN -> retainRows;
                case RANDOM_HARMFUL, RANDOM_BENIGN -> forgetRows * method.mismatchesPerForgetRow();
            });
        }
        m.put(RowGroup.FORGET, forgetRows);
        return new BatchLayout(m);
    }

    /** Rows of group {@code g}. */
    public int count(RowGroup g) {
        return counts.get(g);
    }

    /** The first row of group {@code g}. */
    public int start(RowGroup g) {
        int s = 0;
        for (RowGroup before : RowGroup.values()) {
            if (before == g) {
                return s;
            }
            s += counts.get(before);
        }
        throw new AssertionError(g);
    }

    /** All rows. */
    public int rows() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether the batch has rows of {@code g}. */
    public boolean has(RowGroup g) {
        return count(g) > 0;
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
