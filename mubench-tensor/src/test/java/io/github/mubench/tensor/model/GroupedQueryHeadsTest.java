package io.github.mubench.tensor.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API attention (heap cache in blocks of slots, the query heads of one KV head two at a time) against the
 * ND4J path, which is golden-tested against PyTorch, on head layouts the fixtures lack: one query head per KV head, odd
 * counts (3, 7) where the last head goes alone, and head sizes off the mix's groups of eight rows (12, 20); random
 * weights, a left-padded row, a prefill and then decoding steps.
 */
class GroupedQueryHeadsTest {
    private static final double TOL = 1e-4;

    @ParameterizedTest(name = "{0} heads / {1} KV heads, head size {2}")
    @CsvSource({"4,4,16", "6,2,12", "7,1,20", "3,1,8"})
    void vectorAttentionGivesTheLogitsOfTheNd4jPath(int heads, int kvHeads, int headDim) {
        int d = heads * headDim, vocab = 97, batch = 3, prompt = 9, steps = 12;
        LlamaConfig c = new LlamaConfig("llama", vocab, d, 2 * d, 2, heads, kvHeads, headDim, 1e-5, 10000.0, null, 64, false,
                false, null, 1, List.of(2));
        Checkpoint ckpt = new Checkpoint(c, RandomWeights.of(c, 3));
        BlasLlama vector = new BlasLlama(ckpt, Loops.simd());
        Llama nd4j = new Llama(ckpt);
        int[][] tokens = new int[batch][prompt];
        boolean[][] valid = new boolean[batch][prompt];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < prompt; t++) {
                tokens[b][t] = 1 + (7 * b + 5 * t) % (vocab - 1);
                valid[b][t] = b != 0 || t >= 4; // row 0 left-padded by 4
            }
        }
        KvCache a = vector.newCache(batch, prompt + steps), e = nd4j.newCache(batch, prompt + steps);
        assertTrue(((BlasKvCache) a).onHeap(), "the cache is on the heap: attention on the Vector API");
        assertClose(vector.forward(tokens, valid, a, true), nd4j.forward(tokens, valid, e, true), "prefill");
        for (int step = 0; step < steps; step++) {
            int[][] next = new int[batch][1];
            boolean[][] real = new boolean[batch][1];
            for (int b = 0; b < batch; b++) {
                next[b][0] = 1 + (11 * b + 3 * step) % (vocab - 1);
                real[b][0] = true;
            }
            assertClose(vector.forward(next, real, a, true), nd4j.forward(next, real, e, true), "step " + step);
        }
    }

    private static void assertClose(INDArray got, INDArray want, String where) {
        double diff = got.sub(want).amaxNumber().doubleValue(), scale = want.amaxNumber().doubleValue();
        assertTrue(scale > 1e-2, where + ": logits too small to compare (" + scale + ")");
        assertTrue(diff < TOL, where + ": logits differ by " + diff);
    }
}
