package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import io.github.mubench.tensor.model.SwiGlu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * One layer's {@code silu(gate) ⊙ up} computed by {@link SwiGlu} outside SameDiff ({@link OutsideOps}). In a pass that
 * trains it keeps copies of {@code gate} and {@code up} for the backward pass (SameDiff no longer keeps its own
 * sigmoid and products for it).
 */
final class OutsideSwiGlu implements OutsideOps.Op {
    private final int rows, width;
    /** The backward's results, shared by the layers (one layer's backward runs at a time). */
    private final INDArray[] gradients;
    private INDArray gate, up;

    /** @param gradients two {@code [rows, width]} arrays to share with the other layers' */
    OutsideSwiGlu(int rows, int width, INDArray[] gradients) {
        this.rows = rows;
        this.width = width;
        this.gradients = gradients;
    }

    /** Two {@code [rows, width]} arrays for {@link #OutsideSwiGlu}'s shared gradients. */
    static INDArray[] sharedGradients(int rows, int width) {
        return new INDArray[]{Nd4j.createUninitialized(DataType.FLOAT, rows, width), Nd4j.createUninitialized(DataType.FLOAT, rows, width)};
    }

    @Override
    public void forward(INDArray[] inputs, INDArray value, boolean training) {
        INDArray g = inputs[0], u = inputs[1];
        if (training) {
            if (gate == null) {
                gate = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
                up = Nd4j.createUninitialized(DataType.FLOAT, rows, width);
            }
            g = gate.assign(g);
            u = up.assign(u);
        }
        SwiGlu.forward(input(g), input(u), output(value), rows, width);
    }

    @Override
    public INDArray[] backward(INDArray gradient) {
        if (gate == null) {
            throw new IllegalStateException("a backward pass without a forward pass that trains");
        }
        INDArray d = gradients[0].assign(gradient); // dGate's memory holds dOut until it is overwritten row by row
        SwiGlu.backward(output(gate), output(up), output(d), output(gradients[0]), output(gradients[1]), rows, width);
        return gradients;
    }

    /** An input's floats, copied first where it is a view (SameDiff's arrays may be). */
    private static FloatBuffer input(INDArray a) {
        boolean own = !a.isView() && a.ordering() == 'c' && a.offset() == 0;
        return output(own ? a : a.dup('c'));
    }

    /** Floats to write (or of arrays of this class's own): never a copy, which would lose what is written. */
    private static FloatBuffer output(INDArray a) {
        return BlasAttention.floats(a).asBuffer();
    }
}
