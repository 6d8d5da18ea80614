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
        t.put(TensorNames.EMBED, normal(rnd, c.vocabSize(), d));
        for (int l = 0; l < c.numLayers(); l++) {
            t.put(TensorNames.layer(l, TensorNames.ATTN_NORM), Nd4j.ones(DataType.FLOAT, d));
            t.put(weight(l, TensorNames.Q_PROJ), normal(rnd, q, d));
            t.put(weight(l, TensorNames.K_PROJ), normal(rnd, kv, d));
            t.put(weight(l, TensorNames.V_PROJ), normal(rnd, kv, d));
            if (c.attentionBias()) {
                t.put(TensorNames.bias(TensorNames.layer(l, TensorNames.Q_PROJ)), Nd4j.zeros(DataType.FLOAT, q));
                t.put(TensorNames.bias(TensorNames.layer(l, TensorNames.K_PROJ)), Nd4j.zeros(DataType.FLOAT, kv));
                t.put(TensorNames.bias(TensorNames.layer(l, TensorNames.V_PROJ)), Nd4j.zeros(DataType.FLOAT, kv));
            }
            t.put(weight(l, TensorNames.O_PROJ), normal(rnd, d, q));
            t.put(TensorNames.layer(l, TensorNames.MLP_NORM), Nd4j.ones(DataType.FLOAT, d));
            t.put(weight(l, TensorNames.GATE_PROJ), normal(rnd, f, d));
            t.put(weight(l, TensorNames.UP_PROJ), normal(rnd, f, d));
            t.put(weight(l, TensorNames.DOWN_PROJ), normal(rnd, d, f));
        }
        t.put(TensorNames.FINAL_NORM, Nd4j.ones(DataType.FLOAT, d));
        if (!c.tieWordEmbeddings()) {
            t.put(TensorNames.LM_HEAD, normal(rnd, c.vocabSize(), d));
        }
        return new ModelWeights(t, null, null);
    }

    private static String weight(int layer, String projection) {
        return TensorNames.weight(TensorNames.layer(layer, projection));
    }

    private static INDArray normal(SplittableRandom rnd, long rows, long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.02 * rnd.nextGaussian());
        }
        return Nd4j.create(v, new long[]{rows, cols}, DataType.FLOAT);
    }
}
