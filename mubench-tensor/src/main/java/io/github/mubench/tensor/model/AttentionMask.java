package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The additive attention mask both model paths use: 0 where a query may see a key (a real token, not in the future,
 * inside the sliding window if any), {@link #MASKED} elsewhere.
 */
public final class AttentionMask {
    /** Additive value for forbidden attention; finite, so an all-masked (padding) row stays NaN-free. */
    public static final float MASKED = -1e9f;

    private AttentionMask() {
    }

    /**
     * {@code [B, 1, 1, T, S]} for {@code T} queries occupying slots {@code S-T .. S-1}.
     *
     * @param validSlots {@code [B][>=S]}: which key slots hold real tokens
     * @param slots      S, the number of key slots in use
     * @param time       T, the number of query positions (the last T slots)
     * @param window     sliding window in tokens, or {@code null}
     */
    public static INDArray of(boolean[][] validSlots, int slots, int time, Integer window) {
        int batch = validSlots.length, start = slots - time;
        float[] m = new float[batch * time * slots];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int q = start + t, base = (b * time + t) * slots;
                for (int j = 0; j < slots; j++) {
                    boolean visible = validSlots[b][j] && j <= q && (window == null || q - j < window);
                    m[base + j] = visible ? 0f : MASKED;
                }
            }
        }
        return Nd4j.create(m, new long[]{batch, 1, 1, time, slots}, 'c');
    }

    /** RoPE positions of a batch without cache: {@code cumsum(valid) - 1} per row, 0 for padding. */
    public static int[][] positions(boolean[][] valid) {
        int[][] p = new int[valid.length][valid[0].length];
        for (int b = 0; b < valid.length; b++) {
            int seen = 0;
            for (int t = 0; t < valid[b].length; t++) {
                p[b][t] = valid[b][t] ? seen++ : 0;
            }
        }
        return p;
    }
}
