package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.TensorNames;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Karpathy's llama2.c {@code .bin} checkpoints (the "v0" format {@code run.c} reads): a header of seven int32
 * (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab size means the classifier
 * is stored separately) followed by float32 weights, each kind stacked over layers.
 */
public final class Llama2cCheckpoint {
    private static final int HEADER_BYTES = 7 * 4;

    private Llama2cCheckpoint() {
    }

    /** Loads a llama2.c checkpoint from a file (memory-mapped). */
    public static Checkpoint load(Path file) {
        return read(ByteSource.open(file));
    }

    /** Loads a llama2.c checkpoint held in memory (a bundled resource); {@code name} is used in errors. */
    public static Checkpoint load(byte[] bytes, Path name) {
        return read(ByteSource.of(bytes, name));
    }

    private static Checkpoint read(ByteSource src) {
        ByteBuffer h = src.slice(0, HEADER_BYTES, "header");
        int dim = h.getInt(0), hidden = h.getInt(4), layers = h.getInt(8), heads = h.getInt(12);
        int kvHeads = h.getInt(16), vocabField = h.getInt(20), seqLen = h.getInt(24);
        requirePositive(src, "dim", dim);
        requirePositive(src, "hidden_dim", hidden);
        requirePositive(src, "n_layers", layers);
        requirePositive(src, "n_heads", heads);
        requirePositive(src, "n_kv_heads", kvHeads);
        requirePositive(src, "seq_len", seqLen);
        if (vocabField == 0) {
            throw new CheckpointException(src.path(), "header.vocab_size", "is 0; expected a non-zero vocabulary size");
        }
        if (dim % heads != 0 || heads % kvHeads != 0) {
            throw new CheckpointException(src.path(), "header", "dim " + dim + ", n_heads " + heads + ", n_kv_heads "
                    + kvHeads + "; expected dim divisible by n_heads and n_heads by n_kv_heads");
        }
        boolean shared = vocabField > 0;
        int vocab = Math.abs(vocabField);
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;

        var reader = new Reader(src, HEADER_BYTES);
        INDArray embed = reader.next("token_embedding_table", vocab, dim);
        INDArray attnNorm = reader.next("rms_att_weight", layers, dim);
        INDArray wq = reader.next("wq", layers, dim, dim);
        INDArray wk = reader.next("wk", layers, kvDim, dim);
        INDArray wv = reader.next("wv", layers, kvDim, dim);
        INDArray wo = reader.next("wo", layers, dim, dim);
        INDArray ffnNorm = reader.next("rms_ffn_weight", layers, dim);
        INDArray w1 = reader.next("w1", layers, hidden, dim);
        INDArray w2 = reader.next("w2", layers, dim, hidden);
        INDArray w3 = reader.next("w3", layers, hidden, dim);
        INDArray finalNorm = reader.next("rms_final_weight", dim);
        reader.skip("freq_cis_real/imag", 2L * seqLen * (headDim / 2) * 4);
        INDArray classifier = shared ? null : reader.next("wcls", vocab, dim);
        if (reader.offset != src.size()) {
            throw new CheckpointException(src.path(), "file size", src.size() + " bytes; expected " + reader.offset
                    + " for the header's dimensions");
        }

        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put(TensorNames.EMBED, embed);
        for (int l = 0; l < layers; l++) {
            t.put(TensorNames.layer(l, TensorNames.ATTN_NORM), attnNorm.getRow(l));
            t.put(weight(l, TensorNames.Q_PROJ), RopeLayout.interleavedToHalves(layer(wq, l), heads, headDim));
            t.put(weight(l, TensorNames.K_PROJ), RopeLayout.interleavedToHalves(layer(wk, l), kvHeads, headDim));
            t.put(weight(l, TensorNames.V_PROJ), layer(wv, l));
            t.put(weight(l, TensorNames.O_PROJ), layer(wo, l));
            t.put(TensorNames.layer(l, TensorNames.MLP_NORM), ffnNorm.getRow(l));
            t.put(weight(l, TensorNames.GATE_PROJ), layer(w1, l));
            t.put(weight(l, TensorNames.DOWN_PROJ), layer(w2, l));
            t.put(weight(l, TensorNames.UP_PROJ), layer(w3, l));
        }
        t.put(TensorNames.FINAL_NORM, finalNorm);
        if (!shared) {
            t.put(TensorNames.LM_HEAD, classifier);
        }
        // llama2.c's run.c hard-codes these; its tokenizer has <s>=1, </s>=2.
        LlamaConfig config = new LlamaConfig("llama", vocab, dim, hidden, layers, heads, kvHeads, headDim, 1e-5,
                10000.0, null, seqLen, shared, false, null, 1, List.of(2));
        return WeightChecks.checked(src.path(), config, new ModelWeights(t, src.path(), src), "n_layers");
    }

    private static String weight(int layer, String projection) {
        return TensorNames.weight(TensorNames.layer(layer, projection));
    }

    private static INDArray layer(INDArray stacked, int l) {
        return stacked.tensorAlongDimension(l, 1, 2);
    }

    private static void requirePositive(ByteSource src, String field, int value) {
        if (value <= 0) {
            throw new CheckpointException(src.path(), "header." + field, "is " + value + "; expected a positive value");
        }
    }

    /** Walks the float32 tensors that follow one another in the file. */
    private static final class Reader {
        private final ByteSource src;
        private long offset;

        Reader(ByteSource src, long offset) {
            this.src = src;
            this.offset = offset;
        }

        INDArray next(String name, long... shape) {
            long bytes = TensorBytes.elementCount(shape) * 4;
            INDArray a = TensorBytes.toFloat(src.slice(offset, bytes, name), TensorBytes.Dtype.F32, shape);
            offset += bytes;
            return a;
        }

        void skip(String name, long bytes) {
            if (bytes > src.size() - offset) {
                throw new CheckpointException(src.path(), name, "ends past the end of the file of " + src.size()
                        + " bytes (truncated file?)");
            }
            offset += bytes;
        }
    }

    /**
     * Writes {@code checkpoint} in the same v0 format (what llama2.c's {@code run.c} reads), for side-by-side
     * benchmarks: q/k rows back in interleaved RoPE order, the RoPE tables run.c skips written as zeros. llama2.c's
     * runtime knows only plain RoPE (θ 10000, no scaling), no biases and no sliding window; other configs are refused.
     */
    public static void save(Checkpoint checkpoint, Path file) throws java.io.IOException {
        LlamaConfig c = checkpoint.config();
        if (c.ropeTheta() != 10000.0 || c.ropeScaling() != null || c.attentionBias() || c.slidingWindow() != null
                || Math.abs(c.rmsNormEps() - 1e-5) > 1e-12 || c.headDim() * c.numHeads() != c.hiddenSize()) {
            throw new IllegalArgumentException("llama2.c runs plain Llama only (rope_theta 10000, eps 1e-5, no scaling, bias or window, "
                    + "head_dim = dim / heads)");
        }
        ModelWeights w = checkpoint.weights();
        int d = c.hiddenSize(), f = c.intermediateSize(), layers = c.numLayers(), hd = c.headDim();
        io.github.mubench.tensor.io.AtomicFiles.write(file, out -> {
            java.io.DataOutputStream data = new java.io.DataOutputStream(out);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(d).putInt(f).putInt(layers).putInt(c.numHeads()).putInt(c.numKvHeads())
                    .putInt(c.tieWordEmbeddings() ? c.vocabSize() : -c.vocabSize()).putInt(c.maxPositionEmbeddings());
            data.write(header.array());
            write(data, w.get(TensorNames.EMBED, c.vocabSize(), d));
            for (int l = 0; l < layers; l++) {
                write(data, w.get(TensorNames.layer(l, TensorNames.ATTN_NORM), d));
            }
            for (int l = 0; l < layers; l++) {
                write(data, RopeLayout.halvesToInterleaved(w.get(weight(l, TensorNames.Q_PROJ), d, d), c.numHeads(), hd));
            }
            for (int l = 0; l < layers; l++) {
                write(data, RopeLayout.halvesToInterleaved(w.get(weight(l, TensorNames.K_PROJ), (long) c.numKvHeads() * hd, d), c.numKvHeads(), hd));
            }
            for (String proj : new String[]{TensorNames.V_PROJ, TensorNames.O_PROJ}) {
                for (int l = 0; l < layers; l++) {
                    write(data, w.asMap().get(weight(l, proj)));
                }
            }
            for (int l = 0; l < layers; l++) {
                write(data, w.get(TensorNames.layer(l, TensorNames.MLP_NORM), d));
            }
            for (String proj : new String[]{TensorNames.GATE_PROJ, TensorNames.DOWN_PROJ, TensorNames.UP_PROJ}) {
                for (int l = 0; l < layers; l++) {
                    write(data, w.asMap().get(weight(l, proj)));
                }
            }
            write(data, w.get(TensorNames.FINAL_NORM, d));
            data.write(new byte[c.maxPositionEmbeddings() * (hd / 2) * 2 * Float.BYTES]); // freq_cis_real/imag, unused by run.c
            if (!c.tieWordEmbeddings()) {
                write(data, w.get(TensorNames.LM_HEAD, c.vocabSize(), d));
            }
            data.flush();
        });
    }

    private static void write(java.io.DataOutputStream out, INDArray a) throws java.io.IOException {
        float[] v = a.dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }
}
