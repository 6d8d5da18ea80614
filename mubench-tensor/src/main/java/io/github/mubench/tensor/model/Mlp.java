package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** SwiGLU feed-forward: {@code down(silu(gate(x)) · up(x))}. */
final class Mlp {
    private final INDArray gate, up, down;

    Mlp(LlamaConfig c, ModelWeights w, int layer) {
        long d = c.hiddenSize(), f = c.intermediateSize();
        gate = w.get(TensorNames.weight(TensorNames.layer(layer, TensorNames.GATE_PROJ)), f, d);
        up = w.get(TensorNames.weight(TensorNames.layer(layer, TensorNames.UP_PROJ)), f, d);
        down = w.get(TensorNames.weight(TensorNames.layer(layer, TensorNames.DOWN_PROJ)), d, f);
    }

    INDArray forward(INDArray x) {
        INDArray g = Linear.apply(x, gate);
        INDArray a = g.muli(Transforms.sigmoid(g, true)).muli(Linear.apply(x, up));
        return Linear.apply(a, down);
    }
}
