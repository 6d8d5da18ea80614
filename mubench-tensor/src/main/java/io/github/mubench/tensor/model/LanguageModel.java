package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A causal language model's forward pass over a KV cache: what generation and scoring run on. Two implementations
 * compute the same logits: {@link Llama} (eager ND4J ops, any ND4J backend) and {@link BlasLlama} (direct OpenBLAS
 * calls and plain loops on preallocated buffers, the CPU default); {@link Kernels} picks one.
 */
public interface LanguageModel {
    /** The architecture. */
    LlamaConfig config();

    /** An empty cache for {@code batch} sequences of up to {@code capacity} tokens each. */
    KvCache newCache(int batch, int capacity);

    /**
     * Runs {@code T} new tokens per row through the model, appending them to the cache.
     *
     * @param tokens   {@code [B][T]} token ids (anything for padding slots)
     * @param valid    {@code [B][T]}: false marks left padding, which no token attends to
     * @param lastOnly whether to compute logits for the last position only (generation) or for all (scoring)
     * @return logits {@code [B, T, V]}, or {@code [B, V]} when {@code lastOnly}; the latter may be one array that every
     *         call on the same cache overwrites (as {@link BlasLlama}'s is): copy what must outlive the next call
     */
    INDArray forward(int[][] tokens, boolean[][] valid, KvCache cache, boolean lastOnly);

    /**
     * As {@link #forward}, with logits for the last {@code last} positions of each row only: what scoring a
     * continuation needs (left padding ends every row's continuation at the last position). The positions before
     * pay no LM head, whose product and vocabulary-sized rows are the largest part of a pass when the vocabulary is
     * large (over a quarter of Qwen2.5-0.5B's weights multiply in it; its logits of 8 rows × 256 tokens take 1.2 GB).
     *
     * @param last how many positions at the end of each row, from 1 to {@code T}
     * @return logits {@code [B, last, V]}, a new array
     */
    INDArray forwardLast(int[][] tokens, boolean[][] valid, KvCache cache, int last);

    /** {@code last}, checked against {@code time} tokens a row: from 1 to {@code time}. */
    static int checkLast(int last, int time) {
        if (last < 1 || last > time) {
            throw new IllegalArgumentException("last must be from 1 to the " + time + " tokens of a row, got " + last);
        }
        return last;
    }

    /** The ids of a batch, checked against the vocabulary; {@code [B*T]} row-major. */
    static int[] flatIds(int[][] tokens, int vocabSize) {
        int batch = tokens.length, time = tokens[0].length;
        int[] flat = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int id = tokens[b][t];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocabSize);
                }
                flat[b * time + t] = id;
            }
        }
        return flat;
    }
}
