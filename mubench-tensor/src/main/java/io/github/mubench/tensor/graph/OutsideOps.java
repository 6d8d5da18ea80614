package io.github.mubench.tensor.graph;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDIndex;
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
 * Computations run outside SameDiff, each joined to the graph by a stand-in {@code out = O + 0·Σᵢ inputᵢ[:, 0]}:
 * {@code O} is a graph variable that this listener has the computation fill the moment SameDiff has made the last of
 * its inputs (each input is handed over, to copy, as it is made), and the zero term is exactly 0 but makes the inputs'
 * gradients SameDiff ops that run after the gradient of {@code out}. When that gradient is made, the computation's
 * backward runs on it; when SameDiff has made the gradient of an input (the sum over its readers, the stand-in's part
 * zero), this listener adds the computation's part, and the rest of the backward pass carries the total on. So an
 * input may have other readers (a residual stream feeds the next sub-layer and the residual sum); it must be made by
 * an op (a graph variable is not: this listener sees op outputs) and finite ({@code 0·∞} is NaN). A first column
 * each, not the whole inputs: a concatenation and row sums of them, and their backward, cost 90 ms of a 56M training
 * step.
 * <p>
 * Why: SameDiff M2.1 runs some ops far below what the same arithmetic costs in Java or BLAS (see
 * {@link OutsideAttention}, {@link OutsideSwiGlu}); this keeps autodiff for the rest of the graph.
 */
final class OutsideOps extends BaseListener {
    /** One computation outside SameDiff. */
    interface Op {
        /**
         * Input number {@code index} as SameDiff made it, valid during this call only: copy what {@link #forward}
         * and, when {@code training} (a backward pass follows), {@link #backward} need.
         */
        void input(int index, INDArray made, boolean training);

        /** Computes the output into {@code value} ({@code [rows, width]}, row-major) once every input has arrived. */
        void forward(INDArray value, boolean training);

        /**
         * The gradients of the loss with respect to the inputs, in their order, given its gradient with respect to
         * the output (valid during this call only); read before the next call.
         */
        INDArray[] backward(INDArray gradient);
    }

    /** Output name → what to do with an op's output of that name. */
    private final Map<String, Consumer<INDArray>> hooks = new HashMap<>();
    private final List<Joined> joined = new ArrayList<>();
    private boolean training;

    /** A joined op, its graph variables and how many of its inputs the current pass has made. */
    private final class Joined {
        final Op op;
        final SDVariable value, out;
        final SDVariable[] inputs;
        int seen;
        INDArray[] gradients;

        Joined(Op op, SDVariable value, SDVariable out, SDVariable[] inputs) {
            this.op = op;
            this.value = value;
            this.out = out;
            this.inputs = inputs;
        }

        void arrived(int index, INDArray array) {
            op.input(index, array, training);
            if (++seen == inputs.length) {
                seen = 0;
                op.forward(value.getArr(), training);
            }
        }
    }

    /**
     * The output {@code [rows, width]} of {@code op} on {@code inputs} (each {@code [rows, *]}), as a graph variable
     * named {@code name}.
     */
    SDVariable join(SameDiff sd, String name, Op op, long rows, long width, SDVariable... inputs) {
        SDVariable value = sd.var(name + "_value", Nd4j.zeros(DataType.FLOAT, rows, width));
        SDVariable firsts = null;
        for (SDVariable input : inputs) {
            SDVariable first = input.get(SDIndex.all(), SDIndex.interval(0, 1));
            firsts = firsts == null ? first : firsts.add(first);
        }
        SDVariable out = value.add(name, firsts.mul(0.0));
        Joined j = new Joined(op, value, out, inputs);
        joined.add(j);
        for (int i = 0; i < inputs.length; i++) {
            int index = i;
            hook(inputs[i].name(), made -> j.arrived(index, made));
        }
        return out;
    }

    /** One hook a name: a second would silently replace the first and leave an output unfilled. */
    private void hook(String name, Consumer<INDArray> hook) {
        if (hooks.putIfAbsent(name, hook) != null) {
            throw new IllegalStateException(name + " is already an input or gradient of a computation outside SameDiff");
        }
    }

    /**
     * Before each pass: whether a backward pass follows it, and a clean slate (a pass that failed half-way may have
     * left inputs that arrived).
     */
    void beginPass(boolean training) {
        this.training = training;
        joined.forEach(j -> j.seen = 0);
    }

    /** Hooks the backward pass: call once SameDiff has built the gradient function. */
    void gradientsBuilt(SameDiff sd) {
        for (Joined j : joined) {
            SDVariable out = sd.getVariable(j.out.name()).gradient();
            if (out == null) {
                continue; // nothing trainable depends on this op
            }
            hook(out.name(), gradient -> j.gradients = j.op.backward(gradient));
            for (int i = 0; i < j.inputs.length; i++) {
                SDVariable gradient = sd.getVariable(j.inputs[i].name()).gradient();
                int index = i;
                if (gradient != null) {
                    hook(gradient.name(), made -> made.addi(j.gradients[index]));
                }
            }
        }
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
