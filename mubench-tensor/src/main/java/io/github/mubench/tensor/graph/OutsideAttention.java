package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import io.github.mubench.tensor.model.Rope;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Each layer's attention core (RoPE on {@code q} and {@code k}, then {@code softmax(q·kᵀ/√hd + mask)·v}) computed by
 * {@link Rope#rotateRows} and {@link BlasAttention} outside SameDiff ({@link OutsideOps}). In passes that train, each
 * layer keeps copies of its (rotated) {@code q}, {@code k}, {@code v} and its probabilities for the backward pass (from
 * its first such pass on); passes that do not train share one set between the layers.
 * <p>
 * Why: SameDiff's batched products, softmax and their backward took 17% of a 56M model's training step (see
 * {@link BlasAttention}), and RoPE's products and multiplies another 4%. The mask and the rotation's angles come from
 * the feed of each pass ({@link #useFeed}).
 * <p>
 * {@link #block} takes the sub-layer's norm and four projections out of SameDiff too ({@link OutsideNorm},
 * {@link OutsideProjection}): its products
 * ran at half of OpenBLAS's speed there, and each op carries SameDiff's per-op bookkeeping. The 56M model's training
 * step (B 4 × T 128, AVX-512 kernels) went from 0.80–0.95 to 0.72–0.75 s with the MLP's projections moved as well.
 */
final class OutsideAttention {
    private final BlasAttention attention;
    private final int batch, time, headDim;
    private float[] mask, cos, sin;
    /** The backward's working memory and results, shared by the layers (one layer's backward runs at a time). */
    private INDArray scratch, dq, dk, dv, dOut;
    /** The copies of passes that do not train, shared by the layers; made when first needed. */
    private Copies passing;

    OutsideAttention(int batch, int time, int heads, int kvHeads, int headDim) {
        this.attention = new BlasAttention(batch, time, heads, kvHeads, headDim);
        this.batch = batch;
        this.time = time;
        this.headDim = headDim;
    }

    /**
     * The attention output {@code [B·T, heads·hd]} of the projections {@code q [B·T, heads·hd]}, {@code k} and
     * {@code v [B·T, kvHeads·hd]} (RoPE not applied: it is applied here), as a graph variable.
     */
    SDVariable attend(OutsideOps ops, SameDiff sd, int layer, SDVariable q, SDVariable k, SDVariable v, long qd, long kd) {
        return ops.join(sd, "attention_" + layer, new Layer(qd, kd), (long) batch * time, qd, q, k, v);
    }

    /** A layer's (rotated) inputs and probabilities in one pass. */
    private final class Copies {
        final INDArray q, k, v, probs;

        Copies(long qd, long kd) {
            long rows = (long) batch * time;
            this.q = Nd4j.createUninitialized(DataType.FLOAT, rows, qd);
            this.k = Nd4j.createUninitialized(DataType.FLOAT, rows, kd);
            this.v = Nd4j.createUninitialized(DataType.FLOAT, rows, kd);
            this.probs = Nd4j.createUninitialized(DataType.FLOAT, attention.probabilityFloats());
        }
    }

    /** One layer: its widths, and the copies its backward pass reads. */
    private final class Layer implements OutsideOps.Op {
        final long qd, kd;
        Copies kept;

        Layer(long qd, long kd) {
            this.qd = qd;
            this.kd = kd;
        }

        /** Where this pass's inputs go: this layer's own copies when it trains, else the set the layers share. */
        Copies copies(boolean training) {
            if (training) {
                return kept == null ? kept = new Copies(qd, kd) : kept;
            }
            return passing == null ? passing = new Copies(qd, kd) : passing;
        }

        @Override
        public void input(int index, INDArray made, boolean training) {
            Copies c = copies(training);
            (index == 0 ? c.q : index == 1 ? c.k : c.v).assign(made);
        }

        @Override
        public void forward(INDArray value, boolean training) {
            Copies c = copies(training);
            rotate(c.q, false);
            rotate(c.k, false);
            attention.forward(floats(c.q), floats(c.k), floats(c.v), mask(), floats(c.probs), floats(value));
        }

        @Override
        public INDArray[] backward(INDArray gradient) {
            outputGradient().assign(gradient);
            return backwardOfOutputGradient();
        }

        /** Where {@link #backwardOfOutputGradient} reads the loss's gradient with respect to the output. */
        INDArray outputGradient() {
            if (kept == null) {
                throw new IllegalStateException("a backward pass without a forward pass that trains");
            }
            if (dOut == null) {
                dOut = Nd4j.createUninitialized(DataType.FLOAT, kept.q.shape());
                dq = Nd4j.createUninitialized(DataType.FLOAT, kept.q.shape());
                dk = Nd4j.createUninitialized(DataType.FLOAT, kept.k.shape());
                dv = Nd4j.createUninitialized(DataType.FLOAT, kept.k.shape());
                scratch = Nd4j.createUninitialized(DataType.FLOAT, attention.probabilityFloats());
            }
            return dOut;
        }

        /** {@link #backward} of the gradient already in {@link #outputGradient()}. */
        INDArray[] backwardOfOutputGradient() {
            INDArray q = kept.q, k = kept.k, v = kept.v, probs = kept.probs;
            attention.backward(floats(q), floats(k), floats(v), floats(probs), floats(dOut), floats(scratch), floats(dq), floats(dk), floats(dv));
            rotate(dq, true); // gradients of the rotated q and k → of q and k as the projections made them
            rotate(dk, true);
            return new INDArray[]{dq, dk, dv};
        }
    }

    /**
     * The whole attention sub-layer, {@code o(attention(rope(q(a)), rope(k(a)), v(a)))} {@code [B·T, hidden]} of
     * {@code a = norm(x)}, {@code x [B·T, hidden]} the residual stream, with the norm and the four projections outside
     * SameDiff too, as a graph variable.
     */
    SDVariable block(OutsideOps ops, SameDiff sd, int layer, SDVariable x, long hidden, OutsideNorm norm,
                     OutsideProjection q, OutsideProjection k, OutsideProjection v, OutsideProjection o, long qd, long kd,
                     OutsideGradients gradients) {
        Block block = new Block(new Layer(qd, kd), hidden, norm, q, k, v, o, gradients);
        return ops.join(sd, "attention_block_" + layer, block, (long) batch * time, hidden, x);
    }

    /** The buffers of the sub-layers' passes that do not train, shared by the layers; made when first needed. */
    private SubLayerInput passingInput;
    private INDArray passingMerged;
    /** The sub-layers' backward result, shared by the layers. */
    private INDArray inputGradient;

    /** A sub-layer's input {@code x}, its norm {@code a} and each row's inverse RMS. */
    private final class SubLayerInput {
        final INDArray x, a;
        final float[] inverseRms = new float[batch * time];

        SubLayerInput(long hidden) {
            x = Nd4j.createUninitialized(DataType.FLOAT, (long) batch * time, hidden);
            a = Nd4j.createUninitialized(DataType.FLOAT, (long) batch * time, hidden);
        }
    }

    /** One layer's attention sub-layer: its norm and projections around the core ({@link Layer}), and what they read. */
    private final class Block implements OutsideOps.Op {
        final Layer core;
        final long hidden;
        final OutsideNorm norm;
        final OutsideProjection q, k, v, o;
        final OutsideGradients gradients;
        /** This layer's input and core output from its last pass that trained. */
        SubLayerInput keptInput;
        INDArray keptMerged;

        Block(Layer core, long hidden, OutsideNorm norm, OutsideProjection q, OutsideProjection k, OutsideProjection v,
              OutsideProjection o, OutsideGradients gradients) {
            this.core = core;
            this.hidden = hidden;
            this.norm = norm;
            this.q = q;
            this.k = k;
            this.v = v;
            this.o = o;
            this.gradients = gradients;
        }

        private SubLayerInput input(boolean training) {
            if (training) {
                return keptInput == null ? keptInput = new SubLayerInput(hidden) : keptInput;
            }
            return passingInput == null ? passingInput = new SubLayerInput(hidden) : passingInput;
        }

        private INDArray merged(boolean training) {
            long rows = (long) batch * time;
            if (training) {
                return keptMerged == null ? keptMerged = Nd4j.createUninitialized(DataType.FLOAT, rows, core.qd) : keptMerged;
            }
            return passingMerged == null ? passingMerged = Nd4j.createUninitialized(DataType.FLOAT, rows, core.qd) : passingMerged;
        }

        @Override
        public void input(int index, INDArray made, boolean training) {
            input(training).x.assign(made);
        }

        @Override
        public void forward(INDArray value, boolean training) {
            SubLayerInput in = input(training);
            norm.forward(in.x, in.a, in.inverseRms);
            INDArray a = in.a, merged = merged(training);
            Copies c = core.copies(training);
            q.forward(a, c.q);
            k.forward(a, c.k);
            v.forward(a, c.v);
            core.forward(merged, training);
            o.forward(merged, value);
        }

        @Override
        public INDArray[] backward(INDArray gradient) {
            if (keptInput == null) {
                throw new IllegalStateException("a backward pass without a forward pass that trains");
            }
            o.backward(keptMerged, Products.rowMajor(gradient), core.outputGradient(), false, gradients);
            INDArray[] d = core.backwardOfOutputGradient();
            if (inputGradient == null) {
                inputGradient = Nd4j.createUninitialized(DataType.FLOAT, (long) batch * time, hidden);
            }
            q.backward(keptInput.a, d[0], inputGradient, false, gradients);
            k.backward(keptInput.a, d[1], inputGradient, true, gradients);
            v.backward(keptInput.a, d[2], inputGradient, true, gradients);
            norm.backward(keptInput.x, keptInput.inverseRms, inputGradient, inputGradient, gradients);
            return new INDArray[]{inputGradient};
        }
    }

    /**
     * The additive mask {@code attention_mask [B, 1, 1, T, T]} and RoPE's tables {@code cos_k}, {@code sin_k}
     * ({@code [B·T, kvHeads·hd]}) of the passes to come, from their feed ({@link LlamaGraph#feed}).
     */
    void useFeed(Map<String, INDArray> feed) {
        INDArray mask = feed.get("attention_mask"), cos = feed.get("cos_k"), sin = feed.get("sin_k");
        if (mask == null || cos == null || sin == null) {
            throw new IllegalArgumentException("the feed lacks attention_mask, cos_k or sin_k: build it with LlamaGraph.feed");
        }
        if (mask.length() != (long) batch * time * time) {
            throw new IllegalArgumentException("attention mask of " + mask.length() + " values for " + batch + " rows of " + time);
        }
        this.mask = floatsOf(mask);
        this.cos = floatsOf(cos);
        this.sin = floatsOf(sin);
    }

    private static float[] floatsOf(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private float[] mask() {
        if (mask == null) {
            throw new IllegalStateException("no attention mask: build the feed with LlamaGraph.feed");
        }
        return mask;
    }

    /** RoPE on every head of {@code x [B·T, n·hd]} in place (or its transpose, for a gradient). */
    private void rotate(INDArray x, boolean transposed) {
        int rows = (int) x.size(0), width = (int) x.size(1);
        Rope.rotateRows(floats(x).asBuffer(), rows, width, headDim, cos, sin, cos.length / rows, transposed);
    }

    private static FloatPointer floats(INDArray a) {
        return BlasAttention.floats(a);
    }
}
