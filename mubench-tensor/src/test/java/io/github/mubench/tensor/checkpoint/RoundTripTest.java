package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.Llama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving as an HF folder and loading it back changes no weight and no logit. */
class RoundTripTest {
    @TempDir
    Path dir;

    private static INDArray logits(Checkpoint c, int[][] tokens, boolean[][] valid) {
        Llama m = new Llama(c);
        return m.forward(tokens, valid, m.newCache(tokens.length, tokens[0].length), false);
    }

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void savedFolderReloadsToIdenticalLogits(String name) throws IOException {
        Fixture f = new Fixture(name);
        Checkpoint original = f.checkpoint();
        HfCheckpoint.save(original, dir);
        Checkpoint reloaded = HfCheckpoint.load(dir);
        assertEquals(original.config(), reloaded.config());
        assertEquals(logits(original, f.tokens(), f.valid()), logits(reloaded, f.tokens(), f.valid()));
    }

    @Test
    void largeModelsAreShardedWithAnIndex() throws IOException {
        Fixture f = new Fixture("qwen2");
        Checkpoint original = f.checkpoint();
        HfCheckpoint.save(original, dir, 20_000);
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        try (var files = Files.list(dir)) {
            assertTrue(files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count() > 2);
        }
        assertEquals(logits(original, f.tokens(), f.valid()), logits(HfCheckpoint.load(dir), f.tokens(), f.valid()));
    }

    @Test
    void stories260KConvertedToHfStillMatchesLlama2c() throws IOException {
        var m = Models.stories260K();
        HfCheckpoint.save(m.checkpoint(), dir);
        Checkpoint hf = HfCheckpoint.load(dir);
        var gen = new Generator(new Llama(hf), m.tokenizer());
        int[] tokens = gen.generateIds(List.of(new int[]{1}), GenerationConfig.greedy(40).withStopAtEos(false), null).get(0).tokens();
        assertArrayEquals(new int[]{403, 407, 261, 378, 432, 383, 286, 261, 376, 298}, java.util.Arrays.copyOf(tokens, 10));
        assertEquals(gen.generateIds(List.of(new int[]{1}), GenerationConfig.greedy(40), null).get(0).text(),
                new Generator(m.inference(), m.tokenizer()).generateIds(List.of(new int[]{1}), GenerationConfig.greedy(40), null).get(0).text());
    }

    @Test
    void realTinyLlama2GgufWithF16TensorsLoadsRunsAndConverts() throws IOException {
        Path gguf = Path.of("..", "data", "tiny_random_llama2_gguf", "llama-2-tiny-random.gguf");
        Checkpoint c = GgufCheckpoint.load(gguf);
        assertEquals(32000, c.config().vocabSize());
        assertEquals(8, c.config().hiddenSize());
        assertEquals(1, c.config().numLayers());
        assertEquals(2, c.config().numHeads());
        assertEquals(32, c.config().intermediateSize());
        assertEquals(1, c.config().bosTokenId());
        assertEquals(List.of(2), c.config().eosTokenIds());
        int[][] tokens = {{1, 450, 4996, 17354}};
        boolean[][] valid = {{true, true, true, true}};
        INDArray direct = logits(c, tokens, valid);
        assertFalse(direct.isNaN().any() || direct.isInfinite().any());
        HfCheckpoint.save(c, dir);
        assertEquals(direct, logits(HfCheckpoint.load(dir), tokens, valid));
    }

    /**
     * Valid files whose F32 data does not start on a 4-byte boundary (a header padded with 1-3 spaces, as the format
     * allows) once crashed the JVM inside ND4J's row gather (the embedding lookup); they must load and generate the
     * same tokens as the aligned file.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void misalignedTensorDataLoadsAndGeneratesTheSameTokens(int padding) throws IOException {
        Checkpoint stories = Models.stories260K().checkpoint();
        Path aligned = dir.resolve("aligned"), shifted = dir.resolve("shifted");
        HfCheckpoint.save(stories, aligned);
        byte[] file = Files.readAllBytes(aligned.resolve("model.safetensors"));
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteArrayOutputStream padded = new ByteArrayOutputStream();
        padded.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength + padding).array());
        padded.write(file, 8, (int) headerLength);
        padded.write(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
        padded.write(file, 8 + (int) headerLength, file.length - 8 - (int) headerLength);
        Files.createDirectories(shifted);
        Files.copy(aligned.resolve("config.json"), shifted.resolve("config.json"));
        Files.write(shifted.resolve("model.safetensors"), padded.toByteArray());
        List<int[]> prompt = List.of(new int[]{1, 403, 407});
        var expected = new Generator(new Llama(HfCheckpoint.load(aligned)), null).generateIds(prompt, GenerationConfig.greedy(20));
        var actual = new Generator(new Llama(HfCheckpoint.load(shifted)), null).generateIds(prompt, GenerationConfig.greedy(20));
        assertArrayEquals(expected.get(0).tokens(), actual.get(0).tokens());
    }

    /** An odd-length F16 tensor stored before an F32 one puts the F32 data off its 4-byte boundary. */
    @Test
    void f32AfterAnOddLengthF16TensorLoadsExactly() throws IOException {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[6,22]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        var b = ByteBuffer.allocate(8 + hb.length + 22).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).put(hb)
                .putShort((short) 0x3C00).putShort((short) 0x4000).putShort((short) 0x4200)
                .putFloat(1.5f).putFloat(-2f).putFloat(3f).putFloat(0.25f);
        Path p = dir.resolve("mixed.safetensors");
        Files.write(p, b.array());
        INDArray f32 = SafetensorsFile.open(p).load("f");
        assertEquals(Nd4j.createFromArray(new float[][]{{1.5f, -2f}, {3f, 0.25f}}), f32);
        // the op that crashed on misaligned data
        assertEquals(Nd4j.createFromArray(new float[][]{{3f, 0.25f}}),
                Nd4j.pullRows(f32, 1, new int[]{1}));
    }

    /** Written back in llama2.c's format (q/k rows re-interleaved), stories260K reloads to the same weights. */
    @Test
    void llama2cExportReloadsToTheSameWeights() throws IOException {
        Checkpoint stories = Models.stories260K().checkpoint();
        Path bin = dir.resolve("stories.bin");
        Llama2cCheckpoint.save(stories, bin);
        Checkpoint back = Llama2cCheckpoint.load(bin);
        assertEquals(stories.config(), back.config());
        for (var e : stories.weights().asMap().entrySet()) {
            assertEquals(e.getValue(), back.weights().asMap().get(e.getKey()), e.getKey());
        }
    }
}
