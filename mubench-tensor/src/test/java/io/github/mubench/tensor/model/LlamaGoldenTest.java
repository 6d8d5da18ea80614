package io.github.mubench.tensor.model;

import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference path against PyTorch's logits on every fixture config (tolerance 1e-4 absolute). */
class LlamaGoldenTest {
    private static final double TOL = 1e-4;

    /** Every fixture architecture on every inference implementation ({@link Kernels}' names). */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return Fixture.all().stream().flatMap(name -> java.util.stream.Stream.of("nd4j", "blas", "vector")
                .map(kernel -> org.junit.jupiter.params.provider.Arguments.of(name, kernel)));
    }

    static LanguageModel model(String kernel, Checkpoint c) {
        return switch (kernel) {
            case "blas" -> new BlasLlama(c, BlasKvCache.Scratch.BLOCK_FLOATS, Loops.SCALAR);
            case "vector" -> new BlasLlama(c, BlasKvCache.Scratch.BLOCK_FLOATS, Loops.simd());
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
