package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import io.github.mubench.tensor.model.KlRows;
import io.github.mubench.tensor.model.SoftmaxRows;
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
 * {@code KL(π_ref ‖ π_θ)} per row ({@link #klToReference}) joins the same way from the same softmax, with
 * {@code D' = (Σr·p − r)·W}: SameDiff's log-softmax and KL over {@code [rows, V]} ran each element-wise op on one thread
 * (an Eraser step on the 56M model: 1.2 s against 0.27 for GA). The full distribution ({@link LlamaGraph#logProbs})
 * keeps its own path through SameDiff, whose head gradient is then added to this one.
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
    private final SameDiff sd;
    private final SDVariable hidden;
    private final long width;
    /** The KL part, made by {@link #klToReference}: {@code (h − H)·D' + c'} per row. */
    private SDVariable klDirection, klOffset, klStand;
    /** The reference's log-probabilities for the next passes ({@code [rows, V]}; null: none fed). */
    private INDArray reference;
    /**
     * {@code Σr·p − r} of the last pass (the softmax scaled by the reference's probability mass, which rounding keeps
     * within 1e-6 of 1, minus those probabilities), for {@link #weightGradient}.
     */
    private INDArray difference;
    /** Whether the last pass had a reference, so that {@link #difference} is its own. */
    private boolean klValid;

    /**
     * @param hidden the final hidden state {@code [rows, d]} (the output of an op, so that this listener sees it made)
     * @param weight the head weight {@code [V, d]} as it is now (it changes between steps)
     */
    LabelLogprobHead(SameDiff sd, SDVariable hidden, Supplier<INDArray> weight, int rows, long width) {
        this.hiddenName = hidden.name();
        this.weight = weight;
        this.rows = rows;
        this.sd = sd;
        this.hidden = hidden;
        this.width = width;
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

    /**
     * {@code KL(π_ref ‖ π_θ)} of each row ({@code [rows]}), joined like the label log-probability: value
     * {@code Σ_j r_j·(log r_j − log p_j)} with {@code r} the reference's probabilities {@link #setReference set} for
     * the pass and {@code p = softmax(h·Wᵀ)}; gradient with respect to {@code h} {@code D' = (Σr·p − r)·W}, the exact
     * derivative of that value as computed ({@code Σr} is 1 up to rounding). Made on first call; a pass without a
     * reference gives NaN.
     */
    SDVariable klToReference() {
        if (klStand == null) {
            klDirection = sd.var("kl_head_direction", Nd4j.zeros(DataType.FLOAT, rows, width));
            klOffset = sd.var("kl_head_offset", Nd4j.zeros(DataType.FLOAT, rows));
            klStand = hidden.sub(value).mul(klDirection).sum(1).add(klOffset);
        }
        return klStand;
    }

    /** Whether {@link #klToReference} is part of the graph. */
    boolean hasKl() {
        return klStand != null;
    }

    /** The graph variable whose gradient is the loss's gradient with respect to each row's KL (null without one). */
    String klOffsetName() {
        return klOffset == null ? null : klOffset.name();
    }

    /** The reference's log-probabilities ({@code [rows, V]}) for the next passes, or null for none. */
    void setReference(INDArray referenceLogProbs) {
        if (referenceLogProbs != null && (referenceLogProbs.rank() != 2 || referenceLogProbs.size(0) != rows)) {
            throw new IllegalArgumentException("reference log-probabilities of shape "
                    + java.util.Arrays.toString(referenceLogProbs.shape()) + " for " + rows + " rows");
        }
        this.reference = referenceLogProbs == null || (!referenceLogProbs.isView() && referenceLogProbs.ordering() == 'c'
                && referenceLogProbs.dataType() == DataType.FLOAT) ? referenceLogProbs
                : referenceLogProbs.castTo(DataType.FLOAT).dup('c');
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
        int vocab = (int) w.size(0);
        if (probs == null) {
            probs = Nd4j.create(DataType.FLOAT, rows, w.size(0));
        }
        Products.timesTransposed(hidden, w, probs, false);
        klValid = klStand != null && reference != null;
        double[] klTerms = klValid ? new double[2 * rows] : null;
        if (klValid) {
            if (reference.size(1) != vocab) {
                throw new IllegalArgumentException("reference log-probabilities over " + reference.size(1)
                        + " tokens for a vocabulary of " + vocab);
            }
            if (difference == null) {
                difference = Nd4j.create(DataType.FLOAT, rows, vocab);
            }
            inBlocks(vocab, (first, count) -> System.arraycopy(KlRows.referenceTerms(BlasAttention.rows(probs, first, count, vocab),
                    BlasAttention.rows(reference, first, count, vocab), BlasAttention.rows(difference, first, count, vocab), count, vocab),
                    0, klTerms, 2 * first, 2 * count));
            reference = null; // the caller's array, read: not held past the pass
        }
        double[] logSumExp = softmaxRows(probs);
        INDArray labelRows = Nd4j.pullRows(w, 1, labels);
        float[] lse = new float[rows];
        for (int r = 0; r < rows; r++) {
            lse[r] = (float) logSumExp[r];
        }
        offset.getArr().assign(hidden.mul(labelRows).sum(1).subi(Nd4j.createFromArray(lse)));
        INDArray d = direction.getArr();
        Products.times(probs, w, d, false);
        d.rsubi(labelRows);
        if (klValid) {
            float[] kls = new float[rows];
            double[] mass = new double[rows];
            for (int r = 0; r < rows; r++) {
                mass[r] = klTerms[2 * r + 1];
                kls[r] = (float) (klTerms[2 * r] + mass[r] * logSumExp[r]);
            }
            klOffset.getArr().assign(Nd4j.createFromArray(kls));
            inBlocks(vocab, (first, count) -> KlRows.difference(BlasAttention.rows(probs, first, count, vocab),
                    java.util.Arrays.copyOfRange(mass, first, first + count), BlasAttention.rows(difference, first, count, vocab),
                    count, vocab));
            Products.times(difference, w, klDirection.getArr(), false);
        } else if (klStand != null) {
            klOffset.getArr().assign(Float.NaN);
            klDirection.getArr().assign(0);
        }
    }

    private interface Block {
        void run(int first, int count);
    }

    /** {@code block} over this head's rows in blocks that a {@link FloatBuffer} can address. */
    private void inBlocks(int width, Block block) {
        int size = Math.max(1, BlasAttention.BUFFER_FLOATS / width);
        for (int first = 0; first < rows; first += size) {
            block.run(first, Math.min(size, rows - first));
        }
    }

    /** Softmax of each row in place, in blocks of rows that a {@link FloatBuffer} can address; the rows' log-sum-exp. */
    private double[] softmaxRows(INDArray logits) {
        int width = (int) logits.size(1);
        double[] logSumExp = new double[rows];
        inBlocks(width, (first, count) -> System.arraycopy(SoftmaxRows.inPlace(BlasAttention.rows(logits, first, count, width), count,
                width), 0, logSumExp, first, count));
        return logSumExp;
    }


    /**
     * {@code dLoss/dW} along this path ({@code [V, d]}, memory of its own) for the last pass, given the loss's gradient
     * with respect to {@link #offsetName()} ({@code u}) and to {@link #klOffsetName()} ({@code w}), either null where
     * the loss does not read it: {@code Σ_t u_t·(onehot_t − p_t) ⊗ h_t + Σ_t w_t·(Σr_t·p_t − r_t) ⊗ h_t}.
     */
    INDArray weightGradient(INDArray logprobGradient, INDArray klGradient) {
        INDArray hidden = value.getArr();
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, probs.size(1), hidden.size(1));
        if (logprobGradient != null) {
            INDArray weighted = hidden.mulColumnVector(logprobGradient.reshape(rows, 1).neg());
            Products.transposedTimes(probs, weighted, gradient, false); // −Σ_t u_t·p_t ⊗ h_t
            RowSums.add(gradient, labels, weighted.negi()); // + Σ_t u_t·onehot_t ⊗ h_t; rows without a label add zeros
        }
        if (klGradient != null) {
            if (!klValid) {
                throw new IllegalStateException("the last pass had no reference log-probabilities: its KL has no gradient");
            }
            INDArray weighted = hidden.mulColumnVector(klGradient.reshape(rows, 1));
            Products.transposedTimes(difference, weighted, gradient, logprobGradient != null);
        }
        return gradient;
    }
}
