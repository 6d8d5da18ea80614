package io.github.mubench.tensor.model;

import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/** The inference path against PyTorch's logits on every fixture config (tolerance 1e-4 absolute). */
class LlamaGoldenTest {
    private static final double TOL = 1e-4;

    /**
     * Floats of packed weights for {@code vector-partly-packed}: a few of a fixture's packings (a q/k/v or gate/up stack,
     * a single matrix); with AVX2's 24-column panels a stack refused there falls back to its parts, one of them packed.
     */
    private static final long PARTLY_PACKED = 5000;

    /**
     * Every fixture architecture on every inference implementation ({@link Kernels}' names), {@code vector-offheap}:
     * the Vector API path with a cache too large for its heap budget, off-heap, so attention on BLAS, and
     * {@code vector-unpacked}: the Vector API path with no heap for packed weights, whose products stay with BLAS, and
     * {@code vector-partly-packed}: heap for a few of the fixtures' packings only (the first ones used pack, the rest stay
     * with BLAS).
     */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Fixture.all().stream().flatMap(name -> java.util.stream.Stream.of("nd4j", "blas", "vector", "vector-offheap", "vector-unpacked", "vector-partly-packed")
                .map(kernel -> org.junit.jupiter.params.provider.Arguments.of(name, kernel)));
    }

    static LanguageModel model(String kernel, Checkpoint c) {
        return switch (kernel) {
            case "blas" -> new BlasLlama(c, Loops.SCALAR);
            case "vector" -> new BlasLlama(c, Loops.simd());
            case "vector-offheap" -> new BlasLlama(c, BlasKvCache.Scratch.BLOCK_FLOATS, Loops.simd(), 0, Long.MAX_VALUE);
            case "vector-unpacked" -> new BlasLlama(c, BlasKvCache.Scratch.BLOCK_FLOATS, Loops.simd(), Long.MAX_VALUE, 0);
            case "vector-partly-packed" -> new BlasLlama(c, BlasKvCache.Scratch.BLOCK_FLOATS, Loops.simd(), Long.MAX_VALUE, PARTLY_PACKED);
            default -> new Llama(c);
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logitsMatchPyTorch(String name, String kernel) {
        Fixture f = new Fixture(name);
        LanguageModel model = model(kernel, f.checkpoint());
        int[][] tokens = f.tokens();
        INDArray logits = model.forward(tokens, f.valid(), model.newCache(tokens.length, tokens[0].length), false);
        f.assertCloseAtRealPositions(f.ref("logits"), logits, TOL, "logits");
    }

    /**
     * Logits for the last positions only (scoring's call) are PyTorch's at those positions: one position, and all but
     * the first (a row's padding then comes before them); the real positions among them are compared.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void logitsOfTheLastPositionsMatchPyTorch(String name, String kernel) {
        Fixture f = new Fixture(name);
        LanguageModel model = model(kernel, f.checkpoint());
        int[][] tokens = f.tokens();
        boolean[][] valid = f.valid();
        int b = tokens.length, t = tokens[0].length;
        INDArray expected = f.ref("logits");
        for (int last : new int[]{1, t - 1}) {
            INDArray logits = model.forwardLast(tokens, valid, model.newCache(b, t), last);
            assertArrayEquals(new long[]{b, last, expected.size(2)}, logits.shape());
            for (int row = 0; row < b; row++) {
                for (int i = 0; i < last; i++) {
                    int position = t - last + i;
                    if (valid[row][position]) {
                        double diff = Transforms.abs(expected.get(point(row), point(position), all())
                                .sub(logits.get(point(row), point(i), all()))).maxNumber().doubleValue();
                        assertTrue(diff < TOL, name + "/" + kernel + " last " + last + ": row " + row + ", position "
                                + position + " differs by " + diff);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> model.forwardLast(tokens, valid, model.newCache(b, t), t + 1));
        assertThrows(IllegalArgumentException.class, () -> model.forwardLast(tokens, valid, model.newCache(b, t), 0));
    }

    /**
     * A prompt prefilled in two chunks into a cache with room to spare (the second chunk's queries start past slot 0,
     * and the cache's rows are longer than the slots in use) gives PyTorch's logits at every real position.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void chunkedPrefillIntoALargerCacheMatchesPyTorch(String name, String kernel) {
        Fixture f = new Fixture(name);
        LanguageModel model = model(kernel, f.checkpoint());
        int[][] tokens = f.tokens();
        boolean[][] valid = f.valid();
        int b = tokens.length, t = tokens[0].length, first = t / 2;
        KvCache cache = model.newCache(b, t + 5);
        INDArray a = model.forward(slice(tokens, 0, first), slice(valid, 0, first), cache, false);
        INDArray c = model.forward(slice(tokens, first, t), slice(valid, first, t), cache, false);
        f.assertCloseAtRealPositions(f.ref("logits"), org.nd4j.linalg.factory.Nd4j.concat(1, a, c), TOL, "chunked logits");
    }

    private static int[][] slice(int[][] rows, int from, int to) {
        return java.util.Arrays.stream(rows).map(r -> java.util.Arrays.copyOfRange(r, from, to)).toArray(int[][]::new);
    }

    private static boolean[][] slice(boolean[][] rows, int from, int to) {
        boolean[][] out = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(rows[i], from, to);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tokenByTokenDecodingWithCacheMatchesOneShot(String name, String kernel) {
        Fixture f = new Fixture(name);
        decodeStepByStep(f, model(kernel, f.checkpoint()), f.tokens().length, name + "/" + kernel);
    }

    /**
     * Batched decoding as generation does it, with more rows than {@link BlasLlama} sends through GEMV, so every
     * projection is one GEMM.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"llama,5,blas", "llama,13,vector", "qwen2,40,blas", "qwen2,40,vector",
            "mistral,64,vector", "llama,65,blas"})
    void batchedDecodingMatchesPyTorchOnEveryRow(String name, int batch, String kernel) {
        Fixture f = new Fixture(name);
        decodeStepByStep(f, model(kernel, f.checkpoint()), batch, name + " batch " + batch + " " + kernel);
    }

    /**
     * A prefill of more rows than the fixture has (an odd number), all positions at once: enough attention work that
     * the Vector API splits the rows between {@link Workers} ({@link BlasLlama#PARALLEL_ATTENTION}); every row gives
     * PyTorch's logits at its real positions.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama", "mistral"})
    void aWidePrefillSplitBetweenThreadsMatchesPyTorchOnEveryRow(String name) {
        Fixture f = new Fixture(name);
        LanguageModel model = model("vector", f.checkpoint());
        int[][] tokens = f.tokens();
        boolean[][] valid = f.valid();
        int b = tokens.length, t = tokens[0].length, batch = 13;
        LlamaConfig c = f.checkpoint().config();
        assertTrue((long) batch * t * t * c.numHeads() * c.headDim() >= BlasLlama.PARALLEL_ATTENTION, "enough work to split");
        int[][] wide = new int[batch][];
        boolean[][] wideValid = new boolean[batch][];
        for (int r = 0; r < batch; r++) {
            wide[r] = tokens[r % b];
            wideValid[r] = valid[r % b];
        }
        INDArray logits = model.forward(wide, wideValid, model.newCache(batch, t), false), expected = f.ref("logits");
        for (int r = 0; r < batch; r++) {
            for (int step = 0; step < t; step++) {
                if (valid[r % b][step]) {
                    double diff = expected.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r % b), org.nd4j.linalg.indexing.NDArrayIndex.point(step))
                            .sub(logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r), org.nd4j.linalg.indexing.NDArrayIndex.point(step)))
                            .amaxNumber().doubleValue();
                    assertTrue(diff < TOL, name + " row " + r + " position " + step + " differs by " + diff);
                }
            }
        }
    }

    /**
     * Feeds the fixture's tokens one step at a time to {@code batch} rows (row {@code r} repeats fixture row
     * {@code r % b}) and compares every real position's logits with PyTorch's one-shot forward.
     */
    private static void decodeStepByStep(Fixture f, LanguageModel model, int batch, String what) {
        int[][] tokens = f.tokens();
        boolean[][] valid = f.valid();
        int b = tokens.length, t = tokens[0].length;
        KvCache cache = model.newCache(batch, t);
        INDArray expected = f.ref("logits");
        for (int step = 0; step < t; step++) {
            int[][] col = new int[batch][1];
            boolean[][] colValid = new boolean[batch][1];
            for (int r = 0; r < batch; r++) {
                col[r][0] = tokens[r % b][step];
                colValid[r][0] = valid[r % b][step];
            }
            INDArray last = model.forward(col, colValid, cache, true);
            for (int r = 0; r < batch; r++) {
                if (valid[r % b][step]) {
                    double diff = expected.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r % b),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(step)).sub(last.getRow(r)).amaxNumber().doubleValue();
                    assertTrue(diff < TOL, what + " row " + r + " step " + step + " differs by " + diff);
                }
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nd4j", "blas"})
    void ggufWithLlamaCppLayoutGivesTheSameLogits(String kernel) {
        Fixture f = new Fixture("llama");
        var ckpt = GgufCheckpoint.load(f.folder.resolve("model.gguf"));
        assertEquals(f.checkpoint().config().numKvHeads(), ckpt.config().numKvHeads());
        LanguageModel model = model(kernel, ckpt);
        int[][] tokens = f.tokens();
        f.assertCloseAtRealPositions(f.ref("logits"), model.forward(tokens, f.valid(), model.newCache(tokens.length, tokens[0].length), false), TOL, "GGUF logits");
    }
}
