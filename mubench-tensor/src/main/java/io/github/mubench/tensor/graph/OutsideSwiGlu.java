package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.SwiGlu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.github.mubench.tensor.model.BlasAttention.floatBuffer;

/**
 * One layer's {@code silu(gate) ⊙ up} computed by {@link SwiGlu} outside SameDiff ({@link OutsideOps}). In passes that
 * train it keeps copies of {@code gate} and {@code up} for the backward pass (SameDiff no longer keeps its own sigmoid
 * and products for it), from its first such pass on; passes that do not train use a pair the layers share.
 */
final class OutsideSwiGlu implements OutsideOps.Op {
    /** What the layers share: the backward's results (one layer's backward runs at a time) and a forward-only pair. */
    static final class Shared {
        private final INDArray[] gradients, passing;

        Shared(int rows, int width) {
            this.gradients = pair(rows, width);
            this.passing = pair(rows, width);
        }
    }

    private final int rows, width;
    private final Shared shared;
    /** This layer's copies of gate and up from its last pass that trained; made when first needed. */
    private INDArray[] kept;

    OutsideSwiGlu(int rows, int width, Shared shared) {
        this.rows = rows;
        this.width = width;
        this.shared = shared;
    }

    private static INDArray[] pair(int rows, int width) {
        return new INDArray[]{Nd4j.createUninitialized(DataType.FLOAT, rows, width), Nd4j.createUninitialized(DataType.FLOAT, rows, width)};
    }

    /** Where this pass's gate and up go. */
    private INDArray[] copies(boolean training) {
        if (training) {
            return kept == null ? kept = pair(rows, width) : kept;
        }
        return shared.passing;
    }

    @Override
    public void input(int index, INDArray made, boolean training) {
        copies(training)[index].assign(made);
    }

    @Override
    public void forward(INDArray value, boolean training) {
        INDArray[] c = copies(training);
        SwiGlu.forward(floatBuffer(c[0]), floatBuffer(c[1]), floatBuffer(value), rows, width);
    }

    @Override
    public INDArray[] backward(INDArray gradient) {
        if (kept == null) {
            throw new IllegalStateException("a backward pass without a forward pass that trains");
        }
        INDArray[] g = shared.gradients;
        g[0].assign(gradient); // dGate's memory holds dOut until it is overwritten row by row
        SwiGlu.backward(floatBuffer(kept[0]), floatBuffer(kept[1]), floatBuffer(g[0]), floatBuffer(g[0]), floatBuffer(g[1]), rows, width);
        return g;
    }
}
