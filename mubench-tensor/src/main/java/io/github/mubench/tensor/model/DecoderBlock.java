package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One pre-norm decoder layer: {@code x + attn(norm(x))}, then {@code x + mlp(norm(x))}. */
final class DecoderBlock {
    private final int layer;
    private final RmsNorm attnNorm, mlpNorm;
    private final Attention attention;
    private final Mlp mlp;

    DecoderBlock(LlamaConfig c, ModelWeights w, int layer) {
        String p = "model.layers." + layer + ".";
        this.layer = layer;
        attnNorm = new RmsNorm(w.get(p + "input_layernorm.weight", c.hiddenSize()), c.rmsNormEps());
        mlpNorm = new RmsNorm(w.get(p + "post_attention_layernorm.weight", c.hiddenSize()), c.rmsNormEps());
        attention = new Attention(c, w, p + "self_attn.");
        mlp = new Mlp(c, w, p + "mlp.");
    }

    INDArray forward(INDArray x, int batch, int time, INDArray cos, INDArray sin, INDArray mask, KvCache cache) {
        INDArray h = x.add(attention.forward(attnNorm.forward(x), batch, time, cos, sin, mask, cache, layer));
        return h.addi(mlp.forward(mlpNorm.forward(h)));
    }
}
