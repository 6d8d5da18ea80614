package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.SwiGlu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.github.mubench.tensor.model.BlasAttention.floatBuffer;

/**
 * One layer's MLP sub-layer, {@code down(silu(gate(m)) ⊙ up(m))} of {@code m = norm(x)}, computed outside SameDiff
 * ({@link OutsideOps}): an {@link OutsideNorm} and three {@link OutsideProjection}s around {@link SwiGlu}. In passes
 * that train it keeps its input, {@code m}, gate, up and their product for the backward pass (from its first such pass
 * on); passes that do not train use buffers the layers share.
 * <p>
 * Why: inside SameDiff the three products ran at about half of OpenBLAS's speed into outputs it allocates per op, and
 * each op adds SameDiff's per-op bookkeeping (see {@link Products}).
 */
final class OutsideMlp implements OutsideOps.Op {
    /** What the layers share: the buffers of passes that do not train, and the backward's working memory and result. */
    static final class Shared {
        private final int rows, hidden, width;
        private Activations passing;
        private INDArray dGate, dUp, dm;

        Shared(int rows, int hidden, int width) {
            this.rows = rows;
            this.hidden = hidden;
            this.width = width;
        }
    }

    /** A pass's input, its norm, the gate and up projections and SwiGLU's output. */
    private static final class Activations {
        final INDArray x, m, gate, up, act;
        final float[] inverseRms;

        Activations(Shared s) {
            x = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.hidden);
            m = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.hidden);
            inverseRms = new float[s.rows];
            gate = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.width);
            up = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.width);
            act = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.width);
        }
    }

    private final OutsideNorm norm;
    private final OutsideProjection gate, up, down;
    private final Shared shared;
    private final OutsideGradients gradients;
    /** This layer's activations from its last pass that trained; made when first needed. */
    private Activations kept;

    OutsideMlp(OutsideNorm norm, OutsideProjection gate, OutsideProjection up, OutsideProjection down, Shared shared,
               OutsideGradients gradients) {
        this.norm = norm;
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.shared = shared;
        this.gradients = gradients;
    }

    private Activations activations(boolean training) {
        if (training) {
            return kept == null ? kept = new Activations(shared) : kept;
        }
        return shared.passing == null ? shared.passing = new Activations(shared) : shared.passing;
    }

    @Override
    public void input(int index, INDArray made, boolean training) {
        activations(training).x.assign(made);
    }

    @Override
    public void forward(INDArray value, boolean training) {
        Activations a = activations(training);
        norm.forward(a.x, a.m, a.inverseRms);
        gate.forward(a.m, a.gate);
        up.forward(a.m, a.up);
        SwiGlu.forward(floatBuffer(a.gate), floatBuffer(a.up), floatBuffer(a.act), shared.rows, shared.width);
        down.forward(a.act, value);
    }

    @Override
    public INDArray[] backward(INDArray gradient) {
        if (kept == null) {
            throw new IllegalStateException("a backward pass without a forward pass that trains");
        }
        Shared s = shared;
        if (s.dm == null) {
            s.dGate = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.width);
            s.dUp = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.width);
            s.dm = Nd4j.createUninitialized(DataType.FLOAT, s.rows, s.hidden);
        }
        INDArray dy = Products.rowMajor(gradient);
        down.backward(kept.act, dy, s.dGate, false, gradients); // dGate's memory holds dAct until overwritten row by row
        SwiGlu.backward(floatBuffer(kept.gate), floatBuffer(kept.up), floatBuffer(s.dGate), floatBuffer(s.dGate), floatBuffer(s.dUp), s.rows, s.width);
        gate.backward(kept.m, s.dGate, s.dm, false, gradients);
        up.backward(kept.m, s.dUp, s.dm, true, gradients);
        norm.backward(kept.x, kept.inverseRms, s.dm, s.dm, gradients);
        return new INDArray[]{s.dm};
    }
}
