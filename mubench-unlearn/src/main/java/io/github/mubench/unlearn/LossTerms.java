package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LlamaGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The quantities unlearning losses are written in, on one training graph whose batch holds forget rows and retain
 * rows side by side (one forward, one backward). Notation of {@code mu-methods.md}: for a row, {@code S} is the
 * summed log-probability of its response tokens; NLL is the token-mean cross-entropy over a set's response tokens.
 */
public final class LossTerms {
    static final String FORGET_ROWS = "forget_rows", RETAIN_ROWS = "retain_rows", REFERENCE = "reference_seq_logprob";
    static final String REFERENCE_LOG_PROBS = "reference_log_probs", REFERENCE_HIDDEN = "reference_hidden",
            VALID_POSITIONS = "valid_positions";

    private final LlamaGraph graph;
    private final SameDiff sd;
    private final SDVariable forgetRows, retainRows, reference, seqLogprob, tokenCounts;
    private SDVariable referenceLogProbs, referenceHidden, validPositions;
    private int referenceHiddenLayer = -1;

    /** Adds the row-selection and reference placeholders to {@code graph}. */
    public LossTerms(LlamaGraph graph) {
        this.graph = graph;
        this.sd = graph.sameDiff();
        int b = graph.batch(), t = graph.time();
        forgetRows = sd.placeHolder(FORGET_ROWS, DataType.FLOAT, b);
        retainRows = sd.placeHolder(RETAIN_ROWS, DataType.FLOAT, b);
        reference = sd.placeHolder(REFERENCE, DataType.FLOAT, b);
        seqLogprob = graph.tokenLogprobs().reshape(b, t).sum(1);
        tokenCounts = sd.getVariable("label_mask").reshape(b, t).sum(1);
    }

    /** The graph the terms live on. */
    public SameDiff sameDiff() {
        return sd;
    }

    /** {@code S_θ(y|x)} per row ({@code [B]}). */
    public SDVariable seqLogprob() {
        return seqLogprob;
    }

    /** {@code S_ref(y|x)} per row, from the frozen reference model ({@code [B]}). */
    public SDVariable referenceSeqLogprob() {
        return reference;
    }

    /** Response tokens per row ({@code [B]}). */
    public SDVariable tokenCounts() {
        return tokenCounts;
    }

    /** 1 for forget rows, 0 elsewhere ({@code [B]}). */
    public SDVariable forgetRows() {
        return forgetRows;
    }

    /** 1 for retain rows, 0 elsewhere ({@code [B]}). */
    public SDVariable retainRows() {
        return retainRows;
    }

    /** Token-mean NLL over the forget rows' response tokens (HF's {@code .loss} on D_f). */
    public SDVariable forgetNll() {
        return nll(forgetRows);
    }

    /** Token-mean NLL over the retain rows' response tokens. */
    public SDVariable retainNll() {
        return nll(retainRows);
    }

    private SDVariable nll(SDVariable rows) {
        return seqLogprob.mul(rows).sum().div(tokenCounts.mul(rows).sum()).neg();
    }

    /** {@code S̄_θ}: mean log-probability per response token, per row ({@code [B]}). */
    public SDVariable meanTokenLogprob() {
        return seqLogprob.div(tokenCounts);
    }

    /**
     * {@code KL(π_ref ‖ π_θ)} per response position of the retain rows, averaged over those positions. The
     * reference distributions come in as a placeholder the trainer fills from the frozen reference model.
     */
    public SDVariable retainKl() {
        int b = graph.batch(), t = graph.time();
        if (referenceLogProbs == null) {
            referenceLogProbs = sd.placeHolder(REFERENCE_LOG_PROBS, DataType.FLOAT, (long) b * t, graph.config().vocabSize());
        }
        SDVariable perPosition = sd.math.exp(referenceLogProbs).mul(referenceLogProbs.sub(graph.logProbs())).sum(1);
        SDVariable positions = sd.getVariable("label_mask").reshape(b, t).mul(retainRows.reshape(b, 1)).reshape((long) b * t);
        return perPosition.mul(positions).sum().div(positions.sum());
    }

    /** Whether a loss built on these terms reads {@link #retainKl()} (then the feed needs reference distributions). */
    public boolean usesReferenceDistributions() {
        return referenceLogProbs != null;
    }

    /** Residual-stream output of decoder layer {@code layer} ({@code [B*T, d]}). */
    public SDVariable hidden(int layer) {
        return graph.hidden(layer);
    }

    /**
     * The frozen reference model's residual stream at {@code layer} ({@code [B*T, d]}), filled by the trainer.
     * One layer per loss.
     */
    public SDVariable referenceHidden(int layer) {
        if (referenceHidden == null) {
            referenceHidden = sd.placeHolder(REFERENCE_HIDDEN, DataType.FLOAT, (long) graph.batch() * graph.time(),
                    graph.config().hiddenSize());
            referenceHiddenLayer = layer;
        } else if (layer != referenceHiddenLayer) {
            throw new IllegalStateException("reference hidden states of one layer per loss; asked for " + layer
                    + " after " + referenceHiddenLayer);
        }
        return referenceHidden;
    }

    /** The layer {@link #referenceHidden} was asked for, or -1. */
    public int referenceHiddenLayer() {
        return referenceHiddenLayer;
    }

    /**
     * Mean over the real (non-padding) positions of the selected rows, and over the hidden dimension, of a
     * per-position squared error summed over that dimension ({@code [B*T]}): what {@code mse_loss} gives per set.
     */
    public SDVariable meanSquaredOver(SDVariable perPositionSumSq, SDVariable rows) {
        if (validPositions == null) {
            validPositions = sd.placeHolder(VALID_POSITIONS, DataType.FLOAT, (long) graph.batch() * graph.time());
        }
        int b = graph.batch(), t = graph.time();
        SDVariable mask = validPositions.reshape(b, t).mul(rows.reshape(b, 1)).reshape((long) b * t);
        return perPositionSumSq.mul(mask).sum().div(mask.sum().mul(graph.config().hiddenSize()));
    }

    /**
     * For preference pairs laid out as {@code [rejected rows; chosen rows]} (pair i in rows i and n+i):
     * {@code (S_θ(y_w) − S_ref(y_w)) − (S_θ(y_l) − S_ref(y_l))} per pair ({@code [n]}).
     */
    public SDVariable preferenceMargin() {
        int n = graph.batch() / 2;
        SDVariable implicitReward = seqLogprob.sub(reference);
        SDVariable rejected = implicitReward.get(org.nd4j.autodiff.samediff.SDIndex.interval(0L, (long) n));
        SDVariable chosen = implicitReward.get(org.nd4j.autodiff.samediff.SDIndex.interval((long) n, 2L * n));
        return chosen.sub(rejected);
    }

    /** Mean of a per-row quantity over the forget rows. */
    public SDVariable meanOverForget(SDVariable perRow) {
        return perRow.mul(forgetRows).sum().div(forgetRows.sum());
    }

    /**
     * Placeholder values for one batch, on top of {@link LlamaGraph#feed}.
     *
     * @param forget    which rows are forget examples (the others are retain examples)
     * @param reference {@code S_ref} per row, or {@code null} when the method needs no reference model
     * @param referenceLogProbs the reference model's log-probabilities {@code [B*T, V]}, when {@link #retainKl()} is used
     * @param referenceHidden   the reference model's residual stream {@code [B*T, d]}, when {@link #referenceHidden} is used
     */
    public Map<String, INDArray> feed(int[][] tokens, boolean[][] valid, int[][] labels, boolean[] forget, double[] reference,
                                      INDArray referenceLogProbs, INDArray referenceHidden) {
        Map<String, INDArray> feed = graph.feed(tokens, valid, labels);
        float[] f = new float[forget.length], r = new float[forget.length], ref = new float[forget.length];
        for (int i = 0; i < forget.length; i++) {
            f[i] = forget[i] ? 1 : 0;
            r[i] = forget[i] ? 0 : 1;
            ref[i] = reference == null ? 0 : (float) reference[i];
        }
        feed.put(FORGET_ROWS, Nd4j.createFromArray(f));
        feed.put(RETAIN_ROWS, Nd4j.createFromArray(r));
        feed.put(REFERENCE, Nd4j.createFromArray(ref));
        if (usesReferenceDistributions()) {
            if (referenceLogProbs == null) {
                throw new IllegalArgumentException("this loss reads KL to the reference: pass its log-probabilities");
            }
            feed.put(REFERENCE_LOG_PROBS, referenceLogProbs);
        }
        if (this.referenceHidden != null) {
            if (referenceHidden == null) {
                throw new IllegalArgumentException("this loss reads the reference's hidden states: pass them");
            }
            feed.put(REFERENCE_HIDDEN, referenceHidden);
        }
        if (validPositions != null) {
            float[] v = new float[valid.length * valid[0].length];
            for (int b = 0; b < valid.length; b++) {
                for (int t = 0; t < valid[0].length; t++) {
                    v[b * valid[0].length + t] = valid[b][t] ? 1 : 0;
                }
            }
            feed.put(VALID_POSITIONS, Nd4j.createFromArray(v));
        }
        return feed;
    }
}
