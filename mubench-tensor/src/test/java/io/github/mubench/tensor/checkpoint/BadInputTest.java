package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.io.FormatException;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.model.Llama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loader turns bad input into a {@link FormatException} (a {@link CheckpointException} for checkpoint files) naming the file, the field and the expectation. */
class BadInputTest {
    @TempDir
    Path dir;

    private static FormatException fails(Executable e, String field, String messagePart) {
        FormatException ex = assertThrows(FormatException.class, e);
        assertEquals(field, ex.field(), ex.getMessage());
        assertTrue(ex.getMessage().contains(messagePart), ex.getMessage());
        return ex;
    }

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("t.safetensors");
        Files.write(p, b.array());
        return p;
    }

    // ---- safetensors

    @Test
    void fileShorterThanTheHeaderLength() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[]{1, 2, 3});
        FormatException ex = fails(() -> SafetensorsFile.open(p), "header length", "at least the 8-byte");
        assertEquals(p, ex.file());
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path p = dir.resolve("big.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        fails(() -> SafetensorsFile.open(p), "header length", "truncated or not a safetensors file");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path p = safetensors("{not json", 0);
        fails(() -> SafetensorsFile.open(p), "header", "not valid JSON");
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path p = safetensors("{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        fails(() -> SafetensorsFile.open(p), "w.dtype", "expected one of F32, F16, BF16");
    }

    @Test
    void shapeThatDisagreesWithTheByteRange() throws IOException {
        Path p = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        fails(() -> SafetensorsFile.open(p), "w", "needs 12 bytes but data_offsets span 8");
    }

    @Test
    void truncatedData() throws IOException {
        Path p = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10);
        fails(() -> SafetensorsFile.open(p), "w.data_offsets", "outside the data section of 10 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path p = safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        fails(() -> SafetensorsFile.open(p), "b", "overlap those of a");
    }

    @Test
    void upcastsF16AndBf16Exactly() throws IOException {
        // 1.0, -2.5, 65504 (max half), 2^-24 (smallest subnormal) in F16; 1.0, -2.5 in BF16
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0xC100).putShort((short) 0x7BFF).putShort((short) 0x0001)
                .putShort((short) 0x3F80).putShort((short) 0xC020);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("half.safetensors");
        Files.write(p, ByteBuffer.allocate(8 + hb.length + 12).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(hb.length).put(hb).put(data.array()).array());
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(Arrays.toString(new float[]{1f, -2.5f, 65504f, (float) Math.pow(2, -24)}),
                Arrays.toString(f.load("h").toFloatVector()));
        assertEquals(Arrays.toString(new float[]{1f, -2.5f}), Arrays.toString(f.load("b").toFloatVector()));
    }

    // ---- HF folders

    private Path copyOfFixture() throws IOException {
        Path src = new Fixture("llama").folder;
        Path dst = dir.resolve("model");
        Files.createDirectories(dst);
        for (String n : new String[]{"config.json", "model.safetensors"}) {
            Files.copy(src.resolve(n), dst.resolve(n));
        }
        return dst;
    }

    @Test
    void generationConfigAddsEndOfSequenceIds() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("generation_config.json"), "{\"eos_token_id\": [2, 7], \"do_sample\": false}");
        assertEquals(java.util.List.of(2, 7), HfCheckpoint.load(m).config().eosTokenIds());
        Files.writeString(m.resolve("generation_config.json"), "{\"eos_token_id\": \"seven\"}");
        fails(() -> HfCheckpoint.load(m), "eos_token_id", "expected an integer or a list of integers");
    }

    @Test
    void missingConfig() throws IOException {
        Path m = copyOfFixture();
        Files.delete(m.resolve("config.json"));
        fails(() -> HfCheckpoint.load(m), "config.json", "missing");
    }

    @Test
    void configMissingARequiredField() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json")).replace("\"hidden_size\"", "\"hidden_sizes\""));
        fails(() -> HfCheckpoint.load(m), "hidden_size", "missing; expected a positive integer");
    }

    @Test
    void unsupportedModelTypeListsTheSupportedOnes() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json")).replace("\"llama\"", "\"gpt2\""));
        fails(() -> HfCheckpoint.load(m), "model_type", "supported: [llama, mistral, qwen2]");
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json"))
                .replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}"));
        fails(() -> HfCheckpoint.load(m), "rope_scaling.rope_type", "'yarn' is not supported");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path m = copyOfFixture();
        var ckpt = HfCheckpoint.load(m);
        var tensors = new LinkedHashMap<>(ckpt.weights().asMap());
        tensors.remove("model.layers.1.mlp.up_proj.weight");
        SafetensorsWriter.write(tensors, m.resolve("model.safetensors"));
        var reloaded = HfCheckpoint.load(m);
        fails(() -> new Llama(reloaded), "model.layers.1.mlp.up_proj.weight", "tensor missing; expected shape [48, 32]");
    }

    @Test
    void wrongShapeIsNamed() throws IOException {
        Path m = copyOfFixture();
        var tensors = new LinkedHashMap<>(HfCheckpoint.load(m).weights().asMap());
        tensors.put("model.norm.weight", org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 31));
        SafetensorsWriter.write(tensors, m.resolve("model.safetensors"));
        var reloaded = HfCheckpoint.load(m);
        fails(() -> new Llama(reloaded), "model.norm.weight", "expected [32]");
    }

    @Test
    void nanWeightsAreRefused() throws IOException {
        Path m = copyOfFixture();
        var tensors = new LinkedHashMap<>(HfCheckpoint.load(m).weights().asMap());
        var bad = tensors.get("model.layers.0.self_attn.v_proj.weight").dup();
        bad.putScalar(3, Float.NaN);
        tensors.put("model.layers.0.self_attn.v_proj.weight", bad);
        SafetensorsWriter.write(tensors, m.resolve("model.safetensors"));
        fails(() -> HfCheckpoint.load(m), "model.layers.0.self_attn.v_proj.weight", "NaN or infinite");
    }

    @Test
    void normEpsilonAndRopeThetaMustBeFiniteAndPositive() throws IOException {
        Path m = copyOfFixture();
        String config = Files.readString(m.resolve("config.json"));
        Files.writeString(m.resolve("config.json"), config.replace("\"rms_norm_eps\": 1e-06", "\"rms_norm_eps\": -1"));
        fails(() -> HfCheckpoint.load(m), "rms_norm_eps", "expected a finite number > 0");
        Files.writeString(m.resolve("config.json"), config.replaceAll("\"rope_theta\": [^,}]+", "\"rope_theta\": 0"));
        fails(() -> HfCheckpoint.load(m), "rope_theta", "expected a finite number > 0");
    }

    @Test
    void weightsOfLayersTheConfigDoesNotHaveAreRefused() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
        FormatException e = assertThrows(FormatException.class, () -> HfCheckpoint.load(m));
        assertTrue(e.field().startsWith("model.layers.1.") && e.getMessage().contains("belongs to layer 1, but config.json's "
                + "num_hidden_layers is 1"), e.getMessage());
    }

    @Test
    void tensorsTheArchitectureDoesNotReadAreNotLoaded() throws IOException {
        Path m = copyOfFixture();
        var tensors = new LinkedHashMap<>(HfCheckpoint.load(m).weights().asMap());
        tensors.put("model.vision_tower.weight", org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5));
        SafetensorsWriter.write(tensors, m.resolve("model.safetensors"));
        var reloaded = HfCheckpoint.load(m).weights().asMap();
        assertTrue(!reloaded.containsKey("model.vision_tower.weight") && reloaded.containsKey("model.norm.weight"), reloaded.keySet().toString());
    }

    @Test
    void nanWeightsAreRefusedInLlama2cCheckpoints() throws IOException {
        byte[] all = Models.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/stories260K.bin").readAllBytes();
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putFloat(28 + 4 * 10, Float.NaN); // the 11th embedding value
        Path p = dir.resolve("nan.bin");
        Files.write(p, all);
        fails(() -> Llama2cCheckpoint.load(p), "model.embed_tokens.weight", "NaN or infinite");
    }

    @Test
    void linksOutOfTheModelFolderAreRefusedButTheHfCacheLayoutWorks() throws IOException {
        Path m = copyOfFixture();
        Path secret = dir.resolve("secret.safetensors");
        Files.move(m.resolve("model.safetensors"), secret);
        Files.createSymbolicLink(m.resolve("model.safetensors"), secret);
        FormatException e = fails(() -> HfCheckpoint.load(m), "path", "is a link out of the model folder");
        assertTrue(!e.getMessage().contains("secret"), "the target is not named: " + e.getMessage());

        // models--org--name/snapshots/REV/{config.json, model.safetensors} -> ../../blobs/HASH, as huggingface_hub lays it out
        Path repo = dir.resolve("hub/models--org--tiny"), blobs = repo.resolve("blobs"), snapshot = repo.resolve("snapshots/abc123");
        Files.createDirectories(blobs);
        Files.createDirectories(snapshot);
        Files.copy(m.resolve("config.json"), blobs.resolve("c0nf1g"));
        Files.copy(secret, blobs.resolve("w31ght5"));
        Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/c0nf1g"));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"), Path.of("../../blobs/w31ght5"));
        assertEquals(HfCheckpoint.load(snapshot).config(), HfConfig.read(m.resolve("config.json")));
    }

    /**
     * Found by {@code ParserFuzzTest}: a config claiming 2^31 - 1 layers once made the loader list their tensors; the
     * hostile-input sweep then found the model's per-layer array of 10^9 entries (out of memory). The loader compares
     * the count with the layers the weights hold, before anything is sized by it.
     */
    @Test
    void aConfigClaimingBillionsOfLayersFailsWithoutAllocating() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2147483647"));
        fails(() -> HfCheckpoint.load(m), "config.json's num_hidden_layers", "2147483647, but the weights hold layers 0..1; expected 2");
    }

    @Test
    void anExplicitNullEpsilonAndTokenIdsOutsideTheVocabularyAreNamed() throws IOException {
        Path m = copyOfFixture();
        String config = Files.readString(m.resolve("config.json"));
        Files.writeString(m.resolve("config.json"), config.replace("\"rms_norm_eps\": 1e-06", "\"rms_norm_eps\": null"));
        fails(() -> HfConfig.read(m.resolve("config.json")), "rms_norm_eps", "null; expected a number");
        Files.writeString(m.resolve("config.json"), config.replace("\"bos_token_id\": 1", "\"bos_token_id\": 1000000000"));
        fails(() -> HfConfig.read(m.resolve("config.json")), "bos_token_id", "1000000000; expected a token id in 0..95");
        Files.writeString(m.resolve("config.json"), config.replace("\"eos_token_id\": 2", "\"eos_token_id\": [2, 96]"));
        fails(() -> HfConfig.read(m.resolve("config.json")), "eos_token_id", "96; expected token ids in 0..95");
    }

    @Test
    void ggufTensorsOfLayersTheHeaderLacksAreRefusedBeforeTheyAreRead() throws IOException {
        byte[] all = Files.readAllBytes(new Fixture("llama").folder.resolve("model.gguf"));
        byte[] key = "llama.block_count".getBytes(StandardCharsets.UTF_8);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(indexOf(all, key) + key.length + 4, 1);
        Path p = dir.resolve("layers.gguf");
        Files.write(p, all);
        FormatException e = assertThrows(FormatException.class, () -> GgufCheckpoint.load(p));
        assertTrue(e.field().startsWith("blk.1.") && e.getMessage().contains("llama.block_count is 1"), e.getMessage());
    }

    /** Found by a long {@code ParserFuzzTest} run: a GGUF tensor with a zero dimension reached ND4J as an empty array. */
    @Test
    void ggufTensorWithAZeroDimensionIsANamedError() throws IOException {
        byte[] all = Files.readAllBytes(new Fixture("llama").folder.resolve("model.gguf"));
        byte[] name = "token_embd.weight".getBytes(StandardCharsets.UTF_8);
        int dims = indexOf(all, name) + name.length + 4; // after the name and n_dims: the first dimension (u64)
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(dims, 0);
        Path p = dir.resolve("zero.gguf");
        Files.write(p, all);
        fails(() -> GgufCheckpoint.load(p), "token_embd.weight.dims", "expected every dimension >= 1");
    }

    /** Found by {@code ParserFuzzTest}: a GGUF whose embedding width does not split into its heads crashed in a reshape. */
    @Test
    void ggufHeadsThatDoNotSplitTheWidthAreANamedError() throws IOException {
        byte[] all = Files.readAllBytes(new Fixture("llama").folder.resolve("model.gguf"));
        byte[] key = "llama.embedding_length".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(all, key) + key.length + 4; // after the key and its value type: the uint32 value
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 1);
        Path p = dir.resolve("heads.gguf");
        Files.write(p, all);
        fails(() -> GgufCheckpoint.load(p), "llama.attention.head_count", "do not split embedding_length 1");
    }

    @Test
    void pickleIsNeverLoaded() throws IOException {
        Path m = copyOfFixture();
        Files.move(m.resolve("model.safetensors"), m.resolve("pytorch_model.bin"));
        fails(() -> HfCheckpoint.load(m), "weights", "convert the model to safetensors");
        fails(() -> Models.load(m.resolve("pytorch_model.bin"), null), "path", "never loaded");
    }

    @Test
    void shardPathEscapingTheFolderIsRefused() throws IOException {
        Path m = copyOfFixture();
        Files.writeString(m.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.norm.weight\": \"../../etc/passwd\"}}");
        fails(() -> HfCheckpoint.load(m), "weight_map.model.norm.weight", "escapes the model folder");
    }

    // ---- GGUF and llama2.c

    @Test
    void ggufWithBadMagic() throws IOException {
        Path p = dir.resolve("x.gguf");
        Files.write(p, "NOPE0000000000000000000000".getBytes(StandardCharsets.US_ASCII));
        fails(() -> GgufCheckpoint.load(p), "magic", "expected the bytes 'GGUF'");
    }

    @Test
    void truncatedGguf() throws IOException {
        byte[] all = Files.readAllBytes(new Fixture("llama").folder.resolve("model.gguf"));
        Path p = dir.resolve("cut.gguf");
        Files.write(p, Arrays.copyOf(all, all.length - 100));
        FormatException ex = assertThrows(FormatException.class, () -> GgufCheckpoint.load(p));
        assertTrue(ex.getMessage().contains("truncated or corrupt"), ex.getMessage());
    }

    @Test
    void quantizedGgufTensorIsRefusedByTypeName() throws IOException {
        byte[] all = Files.readAllBytes(new Fixture("llama").folder.resolve("model.gguf"));
        // The first tensor entry is token_embd.weight (2 dims): patch its type field (after name and dims) to Q4_0.
        byte[] name = "token_embd.weight".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(all, name) + name.length + 4 + 2 * 8;
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 2);
        Path p = dir.resolve("q.gguf");
        Files.write(p, all);
        fails(() -> GgufCheckpoint.load(p), "token_embd.weight", "tensor type Q4_0 is not supported");
    }

    /** A GGUF v3 header with no tensors and one metadata key, whose type and value bytes {@code value} writes. */
    private Path ggufWithOneKey(String key, java.util.function.Consumer<ByteBuffer> value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(0).putLong(1);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        b.putLong(k.length).put(k);
        value.accept(b);
        Path p = dir.resolve("meta.gguf");
        Files.write(p, Arrays.copyOf(b.array(), b.position()));
        return p;
    }

    @Test
    void ggufArraysNestedDeepAreRefusedWithoutRecursingIntoThem() throws IOException {
        Path p = ggufWithOneKey("deep", b -> {
            b.putInt(9);
            for (int i = 0; i < 2000; i++) {
                b.putInt(9).putLong(1);
            }
        });
        fails(() -> GgufFile.read(p), "deep", "nested deeper than 8 levels");
    }

    @Test
    void ggufArrayLongerThanTheFileIsRefusedBeforeAllocating() throws IOException {
        Path p = ggufWithOneKey("bomb", b -> b.putInt(9).putInt(9).putLong(1 << 24).putInt(9).putLong(1 << 24));
        fails(() -> GgufFile.read(p), "bomb.array_length", "need more than the");
    }

    @Test
    void ggufAlignmentMustBeAPowerOfTwoFromEight() throws IOException {
        Path p = ggufWithOneKey("general.alignment", b -> b.putInt(4).putInt(1));
        fails(() -> GgufFile.read(p), "general.alignment", "expected a power of two from 8");
    }

    @Test
    void truncatedLlama2cCheckpoint() throws IOException {
        byte[] all = Models.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/stories260K.bin").readAllBytes();
        Path p = dir.resolve("cut.bin");
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        FormatException ex = assertThrows(FormatException.class, () -> Llama2cCheckpoint.load(p));
        assertTrue(ex.getMessage().contains("truncated"), ex.getMessage());
    }

    @Test
    void llama2cHeaderWithZeroLayers() throws IOException {
        byte[] all = Models.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/stories260K.bin").readAllBytes();
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0);
        Path p = dir.resolve("zero.bin");
        Files.write(p, all);
        fails(() -> Llama2cCheckpoint.load(p), "header.n_layers", "expected a positive value");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
