package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads llama-architecture GGUF files (versions 2 and 3) with F32, F16 or BF16 tensors. Quantized tensor types are
 * refused by name. GGUF lists dimensions innermost first, so shapes are reversed to PyTorch order, and q/k rows are
 * permuted back from llama.cpp's interleaved RoPE layout to HF's.
 */
public final class GgufCheckpoint {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final String[] GGML_TYPES = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0",
            "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
            "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};

    private GgufCheckpoint() {
    }

    /** A tensor's entry in the file's tensor table. */
    private record TensorInfo(String name, long[] shape, int type, long offset) {
    }

    /** Loads a GGUF model file. */
    public static Checkpoint load(Path file) {
        ByteSource src = ByteSource.open(file);
        Cursor c = new Cursor(src);
        if (c.i32("magic") != MAGIC) {
            throw new CheckpointException(file, "magic", "not a GGUF file; expected the bytes 'GGUF' at offset 0");
        }
        int version = c.i32("version");
        if (version != 2 && version != 3) {
            throw new CheckpointException(file, "version", version + "; expected GGUF version 2 or 3");
        }
        long tensorCount = c.u64("tensor_count", 1 << 20);
        long kvCount = c.u64("metadata_kv_count", 1 << 20);
        Map<String, Object> meta = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key");
            meta.put(key, c.value(c.i32(key + ".type"), key));
        }
        List<TensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name");
            int dims = c.i32(name + ".n_dims");
            if (dims < 1 || dims > 4) {
                throw new CheckpointException(file, name + ".n_dims", dims + "; expected 1 to 4");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[dims - 1 - d] = c.u64(name + ".dims", Integer.MAX_VALUE);
            }
            infos.add(new TensorInfo(name, shape, c.i32(name + ".type"), c.u64(name + ".offset", Long.MAX_VALUE)));
        }
        long alignment = meta.get("general.alignment") instanceof Number n ? n.longValue() : 32;
        long dataStart = (c.pos + alignment - 1) / alignment * alignment;

        String arch = String.valueOf(meta.get("general.architecture"));
        if (!arch.equals("llama")) {
            throw new CheckpointException(file, "general.architecture", "'" + arch + "' is not supported; expected llama");
        }
        LlamaConfig config = config(file, meta, infos);
        Map<String, INDArray> raw = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            TensorBytes.Dtype dt = switch (t.type()) {
                case 0 -> TensorBytes.Dtype.F32;
                case 1 -> TensorBytes.Dtype.F16;
                case 30 -> TensorBytes.Dtype.BF16;
                default -> throw new CheckpointException(file, t.name(), "tensor type "
                        + (t.type() >= 0 && t.type() < GGML_TYPES.length ? GGML_TYPES[t.type()] : "#" + t.type())
                        + " is not supported (quantized GGUF is not loaded); expected F32, F16 or BF16");
            };
            long bytes = TensorBytes.elementCount(t.shape()) * dt.bytes;
            raw.put(t.name(), TensorBytes.toFloat(src.slice(dataStart + t.offset(), bytes, t.name()), dt, t.shape()));
        }
        return new Checkpoint(config, new ModelWeights(hfNames(file, raw, config), file, src));
    }

    private static LlamaConfig config(Path file, Map<String, Object> m, List<TensorInfo> infos) {
        int dim = intKey(file, m, "llama.embedding_length");
        int heads = intKey(file, m, "llama.attention.head_count");
        int kv = m.containsKey("llama.attention.head_count_kv") ? intKey(file, m, "llama.attention.head_count_kv") : heads;
        int vocab = m.get("tokenizer.ggml.tokens") instanceof List<?> l ? l.size()
                : (int) infos.stream().filter(t -> t.name().equals("token_embd.weight")).findFirst()
                .orElseThrow(() -> new CheckpointException(file, "token_embd.weight", "tensor missing")).shape()[0];
        boolean tied = infos.stream().noneMatch(t -> t.name().equals("output.weight"));
        double eps = m.get("llama.attention.layer_norm_rms_epsilon") instanceof Number n ? n.doubleValue() : 1e-5;
        double theta = m.get("llama.rope.freq_base") instanceof Number n ? n.doubleValue() : 10000.0;
        int ctx = m.containsKey("llama.context_length") ? intKey(file, m, "llama.context_length") : 2048;
        int bos = m.get("tokenizer.ggml.bos_token_id") instanceof Number n ? n.intValue() : -1;
        List<Integer> eos = m.get("tokenizer.ggml.eos_token_id") instanceof Number n ? List.of(n.intValue()) : List.of();
        return new LlamaConfig("llama", vocab, dim, intKey(file, m, "llama.feed_forward_length"),
                intKey(file, m, "llama.block_count"), heads, kv, dim / heads, eps, theta, null, ctx, tied, false,
                null, bos, eos);
    }

    private static int intKey(Path file, Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n) || n.longValue() <= 0 || n.longValue() > Integer.MAX_VALUE) {
            throw new CheckpointException(file, key, (m.containsKey(key) ? m.get(key) : "missing") + "; expected a positive integer");
        }
        return n.intValue();
    }

    /** llama.cpp tensor names → HF names, q/k permuted back to rotate-half order. */
    private static Map<String, INDArray> hfNames(Path file, Map<String, INDArray> raw, LlamaConfig c) {
        Map<String, String> perLayer = Map.of("attn_norm", "input_layernorm", "attn_q", "self_attn.q_proj",
                "attn_k", "self_attn.k_proj", "attn_v", "self_attn.v_proj", "attn_output", "self_attn.o_proj",
                "ffn_norm", "post_attention_layernorm", "ffn_gate", "mlp.gate_proj", "ffn_up", "mlp.up_proj",
                "ffn_down", "mlp.down_proj");
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String n = e.getKey();
            INDArray a = e.getValue();
            String hf;
            if (n.equals("token_embd.weight")) {
                hf = "model.embed_tokens.weight";
            } else if (n.equals("output_norm.weight")) {
                hf = "model.norm.weight";
            } else if (n.equals("output.weight")) {
                hf = "lm_head.weight";
            } else if (n.startsWith("blk.")) {
                String[] p = n.split("\\.");
                String kind = perLayer.get(p[2]);
                if (kind == null || p.length != 4) {
                    throw new CheckpointException(file, n, "unknown tensor for the llama architecture");
                }
                hf = "model.layers." + p[1] + "." + kind + "." + p[3];
                if (p[2].equals("attn_q")) {
                    a = RopeLayout.interleavedToHalves(a, c.numHeads(), c.headDim());
                } else if (p[2].equals("attn_k")) {
                    a = RopeLayout.interleavedToHalves(a, c.numKvHeads(), c.headDim());
                }
            } else if (n.equals("rope_freqs.weight")) {
                continue;
            } else {
                throw new CheckpointException(file, n, "unknown tensor for the llama architecture");
            }
            out.put(hf, a);
        }
        return out;
    }

    /** Sequential reader over the header, every read bounds-checked. */
    private static final class Cursor {
        private final ByteSource src;
        private long pos;

        Cursor(ByteSource src) {
            this.src = src;
        }

        private ByteBuffer take(long n, String what) {
            ByteBuffer b = src.slice(pos, n, what);
            pos += n;
            return b;
        }

        int i32(String what) {
            return take(4, what).getInt(0);
        }

        long u64(String what, long max) {
            long v = take(8, what).getLong(0);
            if (v < 0 || v > max) {
                throw new CheckpointException(src.path(), what, v + " is out of range; expected 0.." + max + " (corrupt file?)");
            }
            return v;
        }

        String string(String what) {
            long len = u64(what + " length", 1 << 24);
            ByteBuffer b = take(len, what);
            byte[] bytes = new byte[(int) len];
            b.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        Object value(int type, String key) {
            return switch (type) {
                case 0, 1 -> (long) take(1, key).get(0);
                case 2, 3 -> (long) take(2, key).getShort(0);
                case 4, 5 -> (long) take(4, key).getInt(0);
                case 6 -> (double) take(4, key).getFloat(0);
                case 7 -> take(1, key).get(0) != 0;
                case 8 -> string(key);
                case 9 -> {
                    int elemType = i32(key + ".array_type");
                    long n = u64(key + ".array_length", 1 << 24);
                    List<Object> list = new ArrayList<>((int) n);
                    for (long i = 0; i < n; i++) {
                        list.add(value(elemType, key));
                    }
                    yield list;
                }
                case 10, 11 -> take(8, key).getLong(0);
                case 12 -> take(8, key).getDouble(0);
                default -> throw new CheckpointException(src.path(), key, "metadata value type " + type + "; expected 0..12");
            };
        }
    }
}
