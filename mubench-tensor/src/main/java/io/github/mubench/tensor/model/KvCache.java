package io.github.mubench.tensor.model;

import java.util.Arrays;

/**
 * Keys and values of every layer for a batch of sequences, plus which cache slots hold real tokens (left padding
 * leaves some empty) and how many real tokens each row has seen (its next RoPE position). The slot bookkeeping is
 * here; each {@link LanguageModel} keeps the keys and values in its own layout.
 */
public abstract class KvCache {
    final boolean[][] validSlots;
    final int[] seen;
    /**
     * Each row's padding slots in increasing order (the first {@code paddingCount[b]}): usually none or a few, so that a
     * softmax masks them without scanning every slot.
     */
    private final int[][] padding;
    private final int[] paddingCount;
    private int length;

    KvCache(int batch, int capacity) {
        validSlots = new boolean[batch][capacity];
        seen = new int[batch];
        padding = new int[batch][0];
        paddingCount = new int[batch];
    }

    /** Row {@code b}'s padding slots: the first {@link #paddingCount(int)} entries, increasing. */
    int[] padding(int b) {
        return padding[b];
    }

    /** How many of row {@code b}'s slots so far are padding. */
    int paddingCount(int b) {
        return paddingCount[b];
    }

    /** Rows in the batch. */
    public int batch() {
        return seen.length;
    }

    /** Slots the cache can hold. */
    public int capacity() {
        return validSlots[0].length;
    }

    /** Slots filled so far. */
    public int length() {
        return length;
    }

    /**
     * Registers {@code T} new tokens per row and returns their RoPE positions ({@code cumsum(valid) - 1} over each
     * row, as HF computes {@code position_ids} for left-padded batches; padding gets position 0).
     */
    int[][] append(boolean[][] valid) {
        int t = valid[0].length;
        if (length + t > capacity()) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " tokens > capacity " + capacity());
        }
        int[][] positions = new int[batch()][t];
        for (int b = 0; b < batch(); b++) {
            for (int i = 0; i < t; i++) {
                validSlots[b][length + i] = valid[b][i];
                positions[b][i] = valid[b][i] ? seen[b]++ : 0;
                if (!valid[b][i]) {
                    if (paddingCount[b] == padding[b].length) {
                        padding[b] = Arrays.copyOf(padding[b], Math.max(8, 2 * paddingCount[b]));
                    }
                    padding[b][paddingCount[b]++] = length + i;
                }
            }
        }
        length += t;
        return positions;
    }
}
