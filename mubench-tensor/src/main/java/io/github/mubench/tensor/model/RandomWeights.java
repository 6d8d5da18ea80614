package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Randomly initialised weights for a config (HF's scheme: normal(0, 0.02) matrices, unit norm gains). */
public final class RandomWeights {
    private RandomWeights() {
    }

    /**
     * Weights for {@code c}, reproducible from {@code seed} (drawn in Java: ND4J's {@code rand} does not repeat
     * after {@code setSeed} in 1.0.0-M2.1).
     */
    public static ModelWeights of(LlamaConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long d = c.hiddenSize(), f = c.intermediateSize(), hd = c.headDim();
        long q = c.numHeads() * hd, kv = c.numKvHeads() * hd;
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", normal(rnd, c.vocabSize(), d));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", Nd4j.ones(DataType.FLOAT, d));
            t.put(p + "self_attn.q_proj.weight", normal(rnd, q, d));
            t.put(p + "self_attn.k_proj.weight", normal(rnd, kv, d));
            t.put(p + "self_attn.v_proj.weight", normal(rnd, kv, d));
            if (c.attentionBias()) {
                t.put(p + "self_attn.q_proj.bias", Nd4j.zeros(DataType.FLOAT, q));
                t.put(p + "self_attn.k_proj.bias", Nd4j.zeros(DataType.FLOAT, kv));
                t.put(p + "self_attn.v_proj.bias", Nd4j.zeros(DataType.FLOAT, kv));
            }
            t.put(p + "self_attn.o_proj.weight", normal(rnd, d, q));
            t.put(p + "post_attention_layernorm.weight", Nd4j.ones(DataType.FLOAT, d));
            t.put(p + "mlp.gate_proj.weight", normal(rnd, f, d));
            t.put(p + "mlp.up_proj.weight", normal(rnd, f, d));
            t.put(p + "mlp.down_proj.weight", normal(rnd, d, f));
        }
        t.put("model.norm.weight", Nd4j.ones(DataType.FLOAT, d));
        if (!c.tieWordEmbeddings()) {
            t.put("lm_head.weight", normal(rnd, c.vocabSize(), d));
        }
        return new ModelWeights(t, null, null);
    }

    private static INDArray normal(SplittableRandom rnd, long rows, long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.02 * rnd.nextGaussian());
        }
        return Nd4j.create(v, new long[]{rows, cols}, DataType.FLOAT);
    }
}
