package io.github.mubench.tensor.graph;

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
 * Computations run outside SameDiff, each joined to the graph by a stand-in {@code out = O + 0·Σ concat(inputs)}
 * (summed per row): {@code O} is a graph variable that this listener has the computation fill the moment SameDiff has
 * made the last of its inputs (the concatenation, their only reader, keeps them all alive until then), and the zero
 * term is exactly 0 but makes the inputs' gradients SameDiff ops that run after the gradient of {@code out}. When that
 * gradient is made, the computation's backward runs on it; when SameDiff has made its (zero) gradients of the inputs,
 * this listener overwrites them with the true ones, which the rest of the backward pass then carries on.
 * <p>
 * Why: SameDiff M2.1 runs some ops far below what the same arithmetic costs in Java or BLAS (see
 * {@link OutsideAttention}, {@link OutsideSwiGlu}); this keeps autodiff for the rest of the graph.
 */
final class OutsideOps extends BaseListener {
    /** One computation outside SameDiff. */
    interface Op {
        /**
         * Computes the output into {@code value} ({@code [rows, width]}, row-major) from the inputs as SameDiff made
         * them, which are valid during this call only.
         *
         * @param training whether a backward pass follows (keep what it needs)
         */
        void forward(INDArray[] inputs, INDArray value, boolean training);

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

    /** A joined op, its graph variables and the inputs of the current pass as they arrive. */
    private final class Joined {
        final Op op;
        final SDVariable value, out;
        final SDVariable[] inputs;
        final INDArray[] made;
        int seen;
        INDArray[] gradients;

        Joined(Op op, SDVariable value, SDVariable out, SDVariable[] inputs) {
            this.op = op;
            this.value = value;
            this.out = out;
            this.inputs = inputs;
            this.made = new INDArray[inputs.length];
        }

        void arrived(int index, INDArray array) {
            made[index] = array;
            if (++seen == made.length) {
                seen = 0;
                op.forward(made, value.getArr(), training);
                java.util.Arrays.fill(made, null);
            }
        }
    }

    /**
     * The output {@code [rows, width]} of {@code op} on {@code inputs} (each {@code [rows, *]}), as a graph variable
     * named {@code name}.
     */
    SDVariable join(SameDiff sd, String name, Op op, long rows, long width, SDVariable... inputs) {
        SDVariable value = sd.var(name + "_value", Nd4j.zeros(DataType.FLOAT, rows, width));
        SDVariable all = inputs.length == 1 ? inputs[0] : sd.concat(1, inputs);
        SDVariable out = sd.identity(name, value.add(all.sum(true, 1).mul(0.0)));
        Joined j = new Joined(op, value, out, inputs);
        joined.add(j);
        for (int i = 0; i < inputs.length; i++) {
            int index = i;
            hooks.put(inputs[i].name(), made -> j.arrived(index, made));
        }
        return out;
    }

    /** Whether the passes to come are followed by a backward pass. */
    void training(boolean training) {
        this.training = training;
    }

    /** Hooks the backward pass: call once SameDiff has built the gradient function. */
    void gradientsBuilt(SameDiff sd) {
        for (Joined j : joined) {
            SDVariable out = sd.getVariable(j.out.name()).gradient();
            if (out == null) {
                continue; // nothing trainable depends on this op
            }
            hooks.put(out.name(), gradient -> j.gradients = j.op.backward(gradient));
            for (int i = 0; i < j.inputs.length; i++) {
                SDVariable gradient = sd.getVariable(j.inputs[i].name()).gradient();
                int index = i;
                if (gradient != null) {
                    hooks.put(gradient.name(), made -> made.assign(j.gradients[index]));
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
