package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.TensorNames;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads llama-architecture GGUF files (versions 2 and 3) with F32, F16 or BF16 tensors. Quantized tensor types are
 * refused by name. GGUF lists dimensions innermost first, so shapes are reversed to PyTorch order, and q/k rows are
 * permuted back from llama.cpp's interleaved RoPE layout to HF's.
 */
public final class GgufCheckpoint {
    private static final String[] GGML_TYPES = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0",
            "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
            "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};

    private GgufCheckpoint() {
    }

    /** Loads a GGUF model file. */
    public static Checkpoint load(Path file) {
        GgufFile gguf = GgufFile.read(file);
        ByteSource src = gguf.source();
        Map<String, Object> meta = gguf.metadata();
        List<GgufFile.TensorInfo> infos = gguf.tensors();
        long dataStart = gguf.dataStart();

        String arch = String.valueOf(meta.get("general.architecture"));
        if (!arch.equals("llama")) {
            throw new CheckpointException(file, "general.architecture", "'" + arch + "' is not supported; expected llama");
        }
        LlamaConfig config = config(file, meta, infos);
        WeightChecks.requireSaneConfig(file, config, "llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base");
        Map<String, INDArray> raw = new LinkedHashMap<>();
        for (GgufFile.TensorInfo t : infos) {
            // names are checked before any data is read or upcast: a layer the config lacks is an error, an unused table skipped
            String[] parts = t.name().split("\\.");
            if (parts.length > 1 && parts[0].equals("blk") && parts[1].matches("\\d{1,9}") && Integer.parseInt(parts[1]) >= config.numLayers()) {
                throw new CheckpointException(file, t.name(), "belongs to layer " + parts[1] + ", but llama.block_count is "
                        + config.numLayers() + "; expected layers 0.." + (config.numLayers() - 1));
            }
            if (t.name().equals("rope_freqs.weight")) {
                continue;
            }
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
        return WeightChecks.checked(file, config, new ModelWeights(hfNames(file, raw, config), file, src), "llama.block_count");
    }

    private static LlamaConfig config(Path file, Map<String, Object> m, List<GgufFile.TensorInfo> infos) {
        int dim = intKey(file, m, "llama.embedding_length");
        int heads = intKey(file, m, "llama.attention.head_count");
        int kv = m.containsKey("llama.attention.head_count_kv") ? intKey(file, m, "llama.attention.head_count_kv") : heads;
        if (dim % heads != 0 || (dim / heads) % 2 != 0) {
            throw new CheckpointException(file, "llama.attention.head_count", heads + " heads do not split embedding_length " + dim
                    + " into heads of an even width; expected a divisor of it");
        }
        if (heads % kv != 0) {
            throw new CheckpointException(file, "llama.attention.head_count_kv", kv + " does not divide head_count " + heads);
        }
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
        // llama.cpp's per-layer names → ours, without the ".weight"/".bias" that both spell the same
        Map<String, String> perLayer = Map.of("attn_norm", strip(TensorNames.ATTN_NORM), "attn_q", TensorNames.Q_PROJ,
                "attn_k", TensorNames.K_PROJ, "attn_v", TensorNames.V_PROJ, "attn_output", TensorNames.O_PROJ,
                "ffn_norm", strip(TensorNames.MLP_NORM), "ffn_gate", TensorNames.GATE_PROJ, "ffn_up", TensorNames.UP_PROJ,
                "ffn_down", TensorNames.DOWN_PROJ);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String n = e.getKey();
            INDArray a = e.getValue();
            String hf;
            if (n.equals("token_embd.weight")) {
                hf = TensorNames.EMBED;
            } else if (n.equals("output_norm.weight")) {
                hf = TensorNames.FINAL_NORM;
            } else if (n.equals("output.weight")) {
                hf = TensorNames.LM_HEAD;
            } else if (n.startsWith("blk.")) {
                String[] p = n.split("\\.");
                String kind = perLayer.get(p[2]);
                if (kind == null || p.length != 4 || !p[1].matches("\\d{1,9}")) {
                    throw new CheckpointException(file, n, "unknown tensor for the llama architecture");
                }
                hf = TensorNames.layer(Integer.parseInt(p[1]), kind + "." + p[3]);
                if (p[2].equals("attn_q") || p[2].equals("attn_k")) {
                    int heads = p[2].equals("attn_q") ? c.numHeads() : c.numKvHeads();
                    long[] want = p[3].equals("weight") ? new long[]{(long) heads * c.headDim(), c.hiddenSize()} : new long[]{(long) heads * c.headDim()};
                    if (!java.util.Arrays.equals(a.shape(), want)) { // checked before the permutation reshapes it
                        throw new CheckpointException(file, n, "shape " + java.util.Arrays.toString(a.shape()) + "; expected "
                                + java.util.Arrays.toString(want) + " for the config's heads and width");
                    }
                    a = RopeLayout.interleavedToHalves(a, heads, c.headDim());
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

    private static String strip(String weightName) {
        return weightName.substring(0, weightName.length() - ".weight".length());
    }
}
