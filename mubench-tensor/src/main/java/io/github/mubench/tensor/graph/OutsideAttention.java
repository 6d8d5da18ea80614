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
            if (kept == null) {
                throw new IllegalStateException("a backward pass without a forward pass that trains");
            }
            INDArray q = kept.q, k = kept.k, v = kept.v, probs = kept.probs;
            if (dOut == null) {
                dOut = Nd4j.createUninitialized(DataType.FLOAT, q.shape());
                dq = Nd4j.createUninitialized(DataType.FLOAT, q.shape());
                dk = Nd4j.createUninitialized(DataType.FLOAT, k.shape());
                dv = Nd4j.createUninitialized(DataType.FLOAT, k.shape());
                scratch = Nd4j.createUninitialized(DataType.FLOAT, attention.probabilityFloats());
            }
            dOut.assign(gradient);
            attention.backward(floats(q), floats(k), floats(v), floats(probs), floats(dOut), floats(scratch), floats(dq), floats(dk), floats(dv));
            rotate(dq, true); // gradients of the rotated q and k → of q and k as the projections made them
            rotate(dk, true);
            return new INDArray[]{dq, dk, dv};
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
