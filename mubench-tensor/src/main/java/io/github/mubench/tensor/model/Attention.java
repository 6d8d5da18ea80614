package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Causal multi-head self-attention with grouped key/value heads and a KV cache (inference path).
 * GQA needs no copies of K/V: the {@code rep} query heads of one KV head are stacked along the time axis.
 */
final class Attention {
    private final LlamaConfig c;
    private final INDArray wq, wk, wv, wo;
    private final INDArray bq, bk, bv;

    Attention(LlamaConfig c, ModelWeights w, int layer) {
        this.c = c;
        long d = c.hiddenSize(), q = (long) c.numHeads() * c.headDim(), kv = (long) c.numKvHeads() * c.headDim();
        String pq = TensorNames.layer(layer, TensorNames.Q_PROJ), pk = TensorNames.layer(layer, TensorNames.K_PROJ),
                pv = TensorNames.layer(layer, TensorNames.V_PROJ);
        wq = w.get(TensorNames.weight(pq), q, d);
        wk = w.get(TensorNames.weight(pk), kv, d);
        wv = w.get(TensorNames.weight(pv), kv, d);
        wo = w.get(TensorNames.weight(TensorNames.layer(layer, TensorNames.O_PROJ)), d, q);
        bq = c.attentionBias() ? w.get(TensorNames.bias(pq), q) : null;
        bk = c.attentionBias() ? w.get(TensorNames.bias(pk), kv) : null;
        bv = c.attentionBias() ? w.get(TensorNames.bias(pv), kv) : null;
    }

    /**
     * @param x     normalised input {@code [B*T, d]}
     * @param cos   RoPE table {@code [B, 1, T, hd]} (sin likewise)
     * @param mask  additive mask {@code [B, 1, 1, T, S]} over the cache's first S slots
     */
    INDArray forward(INDArray x, int batch, int time, INDArray cos, INDArray sin, INDArray mask,
                     Nd4jKvCache cache, int layer) {
        int h = c.numHeads(), kvh = c.numKvHeads(), hd = c.headDim(), rep = c.kvGroups();
        INDArray q = heads(Linear.apply(x, wq, bq), batch, time, h);
        INDArray k = heads(Linear.apply(x, wk, bk), batch, time, kvh);
        INDArray v = heads(Linear.apply(x, wv, bv), batch, time, kvh);
        q = Rope.apply(q, cos, sin);
        k = Rope.apply(k, cos, sin);

        int start = cache.length() - time, slots = cache.length();
        cache.keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, slots), NDArrayIndex.all()).assign(k);
        cache.values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, slots), NDArrayIndex.all()).assign(v);
        INDArray keys = cache.keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, slots), NDArrayIndex.all());
        INDArray values = cache.values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, slots), NDArrayIndex.all());

        INDArray grouped = q.reshape('c', batch, kvh, (long) rep * time, hd);
        INDArray scores = Nd4j.matmul(grouped, keys, false, true, false).muli(1.0 / Math.sqrt(hd));
        INDArray probs = Nd4j.nn.softmax(scores.reshape('c', batch, kvh, rep, time, slots).addi(mask), -1);
        INDArray out = Nd4j.matmul(probs.reshape('c', batch, kvh, (long) rep * time, slots), values);
        INDArray merged = out.reshape('c', batch, h, time, hd).permute(0, 2, 1, 3).dup('c')
                .reshape('c', (long) batch * time, (long) h * hd);
        return Linear.apply(merged, wo);
    }

    /** {@code [B*T, heads*hd]} → {@code [B, heads, T, hd]}. */
    private INDArray heads(INDArray x, int batch, int time, int n) {
        return x.reshape('c', batch, time, n, c.headDim()).permute(0, 2, 1, 3).dup('c');
    }
}
