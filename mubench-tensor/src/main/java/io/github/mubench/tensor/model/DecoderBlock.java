package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One pre-norm decoder layer: {@code x + attn(norm(x))}, then {@code x + mlp(norm(x))}. */
final class DecoderBlock {
    private final int layer;
    private final RmsNorm attnNorm, mlpNorm;
    private final Attention attention;
    private final Mlp mlp;

    DecoderBlock(LlamaConfig c, ModelWeights w, int layer) {
        this.layer = layer;
        attnNorm = new RmsNorm(w.get(TensorNames.layer(layer, TensorNames.ATTN_NORM), c.hiddenSize()), c.rmsNormEps());
        mlpNorm = new RmsNorm(w.get(TensorNames.layer(layer, TensorNames.MLP_NORM), c.hiddenSize()), c.rmsNormEps());
        attention = new Attention(c, w, layer);
        mlp = new Mlp(c, w, layer);
    }

    INDArray forward(INDArray x, int batch, int time, INDArray cos, INDArray sin, INDArray mask, Nd4jKvCache cache) {
        INDArray h = x.add(attention.forward(attnNorm.forward(x), batch, time, cos, sin, mask, cache, layer));
        return h.addi(mlp.forward(mlpNorm.forward(h)));
    }
}
