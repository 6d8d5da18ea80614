package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.SoftmaxRows;
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

import java.nio.FloatBuffer;
import java.util.function.Supplier;

/**
 * The log-probability of each position's label, {@code log softmax(h·Wᵀ)[label]}, computed outside SameDiff and joined
 * to the graph by a stand-in with the same value and the same gradient with respect to the final hidden state
 * {@code h}: {@code (h − H)·D + c} per row, where {@code H} is {@code h}'s value, {@code D = W[label] − softmax(h·Wᵀ)·W}
 * and {@code c} the log-probability are filled in (graph variables, written in place) the moment SameDiff has computed
 * {@code h}, by this listener. {@code h − H} is exactly 0, so the value is the log-probability to the last bit (a
 * stand-in {@code h·D + (logprob − h·D)} rounded at the scale of {@code h·D}, enough to throw off a finite difference
 * of the loss). {@code d logprob / d h} is exactly {@code D}, so any loss built on the label
 * log-probabilities differentiates correctly through the rest of the graph; the gradient of the head weight {@code W},
 * which SameDiff does not see on this path, is {@link #weightGradient}: {@code Σ_t u_t·(onehot_t − p_t) ⊗ h_t}, with
 * {@code u_t} the loss's gradient with respect to {@code c} (that is, to row {@code t}'s log-probability).
 * <p>
 * Why: M2.1's fused sparse cross-entropy and its gradient run on one thread (0.5 s a step for the 56M model at
 * B 4 × T 128, with the head's products in SameDiff another 0.4 s); here the step has three BLAS products over the
 * vocabulary (as PyTorch's has) and one softmax pass over both cores ({@link SoftmaxRows}), and SameDiff holds no
 * vocabulary-sized array on this path.
 * The full distribution ({@link LlamaGraph#logProbs}, for KL terms) keeps its own path through SameDiff, whose head
 * gradient is then added to this one.
 */
final class LabelLogprobHead extends BaseListener {
    private final String hiddenName;
    private final SDVariable direction, offset, value;
    private final Supplier<INDArray> weight;
    private final int rows;
    /** {@code (h − H)·D + c} per row. */
    private final SDVariable stand;
    private int[] labels;
    /** The last forward pass's softmax, kept for {@link #weightGradient}. */
    private INDArray probs;

    /**
     * @param hidden the final hidden state {@code [rows, d]} (the output of an op, so that this listener sees it made)
     * @param weight the head weight {@code [V, d]} as it is now (it changes between steps)
     */
    LabelLogprobHead(SameDiff sd, SDVariable hidden, Supplier<INDArray> weight, int rows, long width) {
        this.hiddenName = hidden.name();
        this.weight = weight;
        this.rows = rows;
        this.value = sd.var("label_head_hidden", Nd4j.zeros(DataType.FLOAT, rows, width));
        this.direction = sd.var("label_head_direction", Nd4j.zeros(DataType.FLOAT, rows, width));
        this.offset = sd.var("label_head_offset", Nd4j.zeros(DataType.FLOAT, rows));
        this.stand = hidden.sub(value).mul(direction).sum(1).add(offset);
    }

    /** Each row's label log-probability ({@code [rows]}), for the labels last {@link #setLabels set}. */
    SDVariable logprobs() {
        return stand;
    }

    /** The graph variable whose gradient is the loss's gradient with respect to each row's log-probability. */
    String offsetName() {
        return offset.name();
    }

    /** The label of each row for the next passes (any valid id where a row has none: its gradient is 0). */
    void setLabels(int[] labels) {
        if (labels.length != rows) {
            throw new IllegalArgumentException(labels.length + " labels for " + rows + " rows");
        }
        this.labels = labels.clone();
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] outputs) {
        if (op.getOutputsOfOp() != null && op.getOutputsOfOp().contains(hiddenName)) {
            forward(outputs[op.getOutputsOfOp().indexOf(hiddenName)]);
        }
    }

    private void forward(INDArray h) {
        INDArray w = weight.get(), hidden = value.getArr().assign(h);
        if (probs == null) {
            probs = Nd4j.create(DataType.FLOAT, rows, w.size(0));
        }
        Products.timesTransposed(hidden, w, probs, false);
        INDArray logSumExp = softmaxRows(probs);
        INDArray labelRows = Nd4j.pullRows(w, 1, labels);
        offset.getArr().assign(hidden.mul(labelRows).sum(1).subi(logSumExp));
        INDArray d = direction.getArr();
        Products.times(probs, w, d, false);
        d.rsubi(labelRows);
    }

    /** Softmax of each row in place, in blocks of rows that a {@link java.nio.FloatBuffer} can address; the rows' log-sum-exp. */
    private static INDArray softmaxRows(INDArray logits) {
        int count = (int) logits.size(0), width = (int) logits.size(1), block = Math.max(1, BLOCK_FLOATS / width);
        FloatPointer all = new FloatPointer(logits.data().addressPointer());
        float[] logSumExp = new float[count];
        for (int first = 0; first < count; first += block) {
            int rows = Math.min(block, count - first);
            FloatBuffer buffer = new FloatPointer(all).position((long) first * width).limit((long) (first + rows) * width).asBuffer();
            double[] part = SoftmaxRows.inPlace(buffer, rows, width);
            for (int r = 0; r < rows; r++) {
                logSumExp[first + r] = (float) part[r];
            }
        }
        return Nd4j.createFromArray(logSumExp);
    }

    /** Floats a block of {@link #softmaxRows} spans at most (a direct buffer addresses under 2 GB). */
    private static final int BLOCK_FLOATS = 1 << 28;

    /**
     * {@code dLoss/dW} along this path ({@code [V, d]}, memory of its own) for the last pass, given
     * {@code logprobGradient}, the loss's gradient with respect to {@link #offsetName()}.
     */
    INDArray weightGradient(INDArray logprobGradient) {
        INDArray hidden = value.getArr(), weighted = hidden.mulColumnVector(logprobGradient.reshape(rows, 1).neg());
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, probs.size(1), hidden.size(1));
        Products.transposedTimes(probs, weighted, gradient, false); // −Σ_t u_t·p_t ⊗ h_t
        RowSums.add(gradient, labels, weighted.negi()); // + Σ_t u_t·onehot_t ⊗ h_t; rows without a label add zeros
        return gradient;
    }
}
