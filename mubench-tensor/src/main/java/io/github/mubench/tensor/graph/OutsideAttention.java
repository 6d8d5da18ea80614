package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import io.github.mubench.tensor.model.Rope;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Each layer's attention core (RoPE on {@code q} and {@code k}, then {@code softmax(q·kᵀ/√hd + mask)·v}) computed by
 * {@link Rope#rotateRows} and {@link BlasAttention} outside SameDiff and joined to the graph by a stand-in, {@code out = O + 0·(q + Σk + Σv)}: {@code O} is a graph variable that this
 * listener fills the moment SameDiff has made the layer's {@code q}, {@code k} and {@code v} (whose values it copies),
 * and the zero term is exactly 0 but makes the gradients of {@code q}, {@code k} and {@code v} SameDiff ops that run
 * after the gradient of {@code out}. When that gradient is made, this listener computes the attention's backward from
 * it; when SameDiff has made (zero) gradients for {@code q}, {@code k} and {@code v}, it overwrites them with the true
 * ones, which the rest of the backward pass then carries on.
 * <p>
 * Why: SameDiff's batched products, softmax and their backward took 17% of a 56M model's training step (see
 * {@link BlasAttention}), and RoPE's products and multiplies another 4%. The mask and the rotation's angles come from
 * the feed of each pass ({@link #useFeed}).
 */
final class OutsideAttention extends BaseListener {
    private final BlasAttention attention;
    private final int batch, time;
    private final List<Layer> layers = new ArrayList<>();
    /** Output name → what to do with an op's output of that name. */
    private final Map<String, Consumer<INDArray>> hooks = new HashMap<>();
    private float[] mask, cos, sin;
    private final int headDim;
    /** The backward's working memory and results, shared by the layers (one layer's backward runs at a time). */
    private INDArray scratch, dq, dk, dv, dOut;

    /** One layer's copies of its inputs, its probabilities and its output variable. */
    private final class Layer {
        final INDArray q, k, v, probs;
        final SDVariable value, qVar, kVar, vVar, out;
        int seen;

        Layer(SDVariable value, SDVariable q, SDVariable k, SDVariable v, SDVariable out, long qd, long kd) {
            this.value = value;
            this.qVar = q;
            this.kVar = k;
            this.vVar = v;
            this.out = out;
            long rows = (long) batch * time;
            this.q = Nd4j.createUninitialized(DataType.FLOAT, rows, qd);
            this.k = Nd4j.createUninitialized(DataType.FLOAT, rows, kd);
            this.v = Nd4j.createUninitialized(DataType.FLOAT, rows, kd);
            this.probs = Nd4j.createUninitialized(DataType.FLOAT, attention.probabilityFloats());
        }

        /**
         * Keeps a copy of one input (rotated, for {@code q} and {@code k}); once all three are in, computes the output
         * into {@link #value}.
         */
        void input(INDArray store, INDArray made) {
            store.assign(made);
            if (store != v) {
                rotate(store, false);
            }
            if (++seen == 3) {
                seen = 0;
                attention.forward(floats(q), floats(k), floats(v), mask(), floats(probs), floats(value.getArr()));
            }
        }

        void backward(INDArray gradient) {
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
        }
    }

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
    SDVariable attend(SameDiff sd, int layer, SDVariable q, SDVariable k, SDVariable v, long qd, long kd) {
        SDVariable value = sd.var("attention_value_" + layer, Nd4j.zeros(DataType.FLOAT, (long) batch * time, qd));
        SDVariable zero = q.add(k.sum(true, 1)).add(v.sum(true, 1)).mul(0.0);
        SDVariable out = sd.identity("attention_" + layer, value.add(zero));
        Layer l = new Layer(value, q, k, v, out, qd, kd);
        layers.add(l);
        hooks.put(q.name(), made -> l.input(l.q, made));
        hooks.put(k.name(), made -> l.input(l.k, made));
        hooks.put(v.name(), made -> l.input(l.v, made));
        return out;
    }

    /** Hooks the backward pass: call once SameDiff has built the gradient function. */
    void gradientsBuilt(SameDiff sd) {
        for (Layer l : layers) {
            SDVariable out = sd.getVariable(l.out.name()).gradient();
            if (out == null) {
                continue; // nothing trainable depends on this layer's attention
            }
            hooks.put(out.name(), l::backward);
            overwrite(sd, l.qVar, () -> dq);
            overwrite(sd, l.kVar, () -> dk);
            overwrite(sd, l.vVar, () -> dv);
        }
    }

    private void overwrite(SameDiff sd, SDVariable input, java.util.function.Supplier<INDArray> with) {
        SDVariable gradient = sd.getVariable(input.name()).gradient();
        if (gradient != null) {
            hooks.put(gradient.name(), made -> made.assign(with.get()));
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

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] outputs) {
        List<String> names = op.getOutputsOfOp();
        if (names == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            Consumer<INDArray> hook = hooks.get(names.get(i));
            if (hook != null) {
                hook.accept(outputs[i]);
            }
        }
    }
}
