package io.github.mubench.tensor.model;

import io.github.mubench.tensor.checkpoint.CheckpointException;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint stored in F16 or BF16 runs on the CPU path with its weights as stored (converted a block of rows at a
 * time: here a few rows, so that each matrix takes many blocks) and gives the logits of the ND4J path over the same weights upcast whole: two independent routes over the
 * same numbers, on every fixture architecture, through GEMV (2 rows) and GEMM (5 rows).
 */
class HalfWeightsTest {
    private static final double TOL = 1e-4;
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} in {1}, {2} loops")
    @CsvSource({"llama,BF16,scalar", "llama,BF16,vector", "llama,F16,scalar", "llama3_rope_scaling,BF16,vector",
            "mistral,F16,vector", "qwen2,BF16,scalar", "qwen2,BF16,vector"})
    void halfWeightsAsStoredGiveTheLogitsOfTheUpcastModel(String name, SafetensorsWriter.Dtype dtype, String loops) throws IOException {
        Fixture f = new Fixture(name);
        Path folder = halfCopy(f, dtype);
        Checkpoint stored = HfCheckpoint.load(folder);
        // blocks of a few rows: many per matrix, the last one short
        BlasLlama blas = new BlasLlama(stored, 100, loops.equals("vector") ? Loops.simd() : Loops.SCALAR, Long.MAX_VALUE, Long.MAX_VALUE);
        String q = TensorNames.weight(TensorNames.layer(0, TensorNames.Q_PROJ));
        LlamaConfig c = stored.config();
        assertNotNull(stored.weights().half(q, (long) c.numHeads() * c.headDim(), c.hiddenSize()),
                "the CPU path read the projection as stored: it is not upcast");
        Llama nd4j = new Llama(HfCheckpoint.load(folder)); // upcasts every tensor
        int[][] tokens = f.tokens();
        boolean[][] valid = f.valid();
        f.assertCloseAtRealPositions(nd4j.forward(tokens, valid, nd4j.newCache(tokens.length, tokens[0].length), false),
                blas.forward(tokens, valid, blas.newCache(tokens.length, tokens[0].length), false), TOL, dtype + " logits");
        // decoding 5 rows a step: every projection one GEMM over converted blocks
        int batch = 5, t = tokens[0].length;
        KvCache a = blas.newCache(batch, t), b = nd4j.newCache(batch, t);
        for (int step = 0; step < t; step++) {
            int[][] col = new int[batch][1];
            boolean[][] colValid = new boolean[batch][1];
            for (int r = 0; r < batch; r++) {
                col[r][0] = tokens[r % tokens.length][step];
                colValid[r][0] = valid[r % tokens.length][step];
            }
            INDArray x = blas.forward(col, colValid, a, true), y = nd4j.forward(col, colValid, b, true);
            double diff = x.sub(y).amaxNumber().doubleValue();
            assertTrue(diff < TOL, name + " step " + step + " differs by " + diff);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BF16", "F16"})
    void aNaNStoredInSixteenBitsIsRefusedByTheLoader(SafetensorsWriter.Dtype dtype) throws IOException {
        Fixture f = new Fixture("llama");
        Map<String, INDArray> weights = new LinkedHashMap<>(f.checkpoint().weights().asMap());
        String k = TensorNames.weight(TensorNames.layer(1, TensorNames.K_PROJ));
        INDArray bad = weights.get(k).dup();
        bad.putScalar(3, Float.NaN);
        weights.put(k, bad);
        Path folder = write(weights, f, dtype);
        CheckpointException e = assertThrows(CheckpointException.class, () -> HfCheckpoint.load(folder));
        assertTrue(e.getMessage().contains(k) && e.getMessage().contains("NaN"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BF16"})
    void aTensorAskedForAsFloat32IsUpcastOnceAndNoLongerOfferedAsStored(SafetensorsWriter.Dtype dtype) throws IOException {
        Fixture f = new Fixture("llama");
        ModelWeights w = HfCheckpoint.load(halfCopy(f, dtype)).weights();
        String e = TensorNames.EMBED;
        long[] shape = w.shape(e);
        assertNotNull(w.half(e, shape));
        INDArray once = w.get(e, shape);
        assertTrue(once == w.get(e, shape), "kept, not upcast again");
        assertNull(w.half(e, shape));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aLargeBlockConvertedInTwoHalvesAtOnceHoldsEveryValue(boolean bf16) {
        int n = 300_000, from = 12_345, count = 200_001; // above the split threshold, odd, not at the start
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocateDirect(2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            bytes.putShort(2 * i, (short) (random.nextInt() & (bf16 ? 0x3fff : 0x3bff))); // finite values of both signs' magnitudes
        }
        HalfTensor t = new HalfTensor(bf16, new long[]{n}, bytes);
        var scratch = new BlasKvCache.Scratch(new Fixture("llama").checkpoint().config(), 1, 1, 1, null, null, count);
        scratch.convert(Loops.SCALAR, t, from, count);
        for (int i = 0; i < count; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(t.get(from + i), scratch.block.get(i), "element " + i);
        }
    }

    private Path halfCopy(Fixture f, SafetensorsWriter.Dtype dtype) throws IOException {
        return write(f.checkpoint().weights().asMap(), f, dtype);
    }

    private Path write(Map<String, INDArray> weights, Fixture f, SafetensorsWriter.Dtype dtype) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(f.name + "-" + dtype));
        Files.copy(f.folder.resolve("config.json"), folder.resolve("config.json"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        weights.forEach((k, v) -> shapes.put(k, v.shape()));
        SafetensorsWriter.write(shapes, weights::get, folder.resolve("model.safetensors"), dtype);
        return folder;
    }
}
