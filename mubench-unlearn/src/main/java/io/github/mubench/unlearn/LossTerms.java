package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LlamaGraph;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.EnumMap;
import java.util.Map;

/**
 * The quantities unlearning losses are written in, on one training graph whose batch holds the row groups of a
 * {@link BatchLayout} side by side (one forward, one backward). Notation of {@code mu-methods.md}: for a row,
 * {@code S} is the summed log-probability of its response tokens; NLL is the token-mean cross-entropy over a
 * group's response tokens; KL is {@code KL(π_ref‖π_θ)} per response position, averaged over a group's positions.
 */
public final class LossTerms {
    static final String REFERENCE = "reference_seq_logprob", REFERENCE_LOG_PROBS = LlamaGraph.REFERENCE_LOG_PROBS,
            REFERENCE_HIDDEN = "reference_hidden", VALID_POSITIONS = "valid_positions";

    private final LlamaGraph graph;
    private final BatchLayout layout;
    private final SameDiff sd;
    private final SDVariable seqLogprob, tokenCounts, labelMask;
    private final Map<RowGroup, SDVariable> rowMasks = new EnumMap<>(RowGroup.class);
    private final Map<String, SDVariable> logged = new java.util.LinkedHashMap<>();
    private SDVariable reference, referenceHidden, validPositions;
    private boolean readsDistributions;
    private int referenceHiddenLayer = -1;

    /** Adds the reference placeholders and the row-group masks of {@code layout} to {@code graph}. */
    public LossTerms(LlamaGraph graph, BatchLayout layout) {
        if (layout.rows() != graph.batch()) {
            throw new IllegalArgumentException("layout " + layout + " has " + layout.rows() + " rows; the graph's batch is " + graph.batch());
        }
        this.graph = graph;
        this.layout = layout;
        this.sd = graph.sameDiff();
        int b = graph.batch(), t = graph.time();
        seqLogprob = graph.tokenLogprobs().reshape(b, t).sum(1);
        labelMask = graph.labelMask();
        tokenCounts = labelMask.reshape(b, t).sum(1);
    }

    /** The model's architecture. */
    public io.github.mubench.tensor.model.LlamaConfig config() {
        return graph.config();
    }

    /**
     * What a loss built on these terms reads of the frozen reference model, so that the trainer computes only that.
     *
     * @param sequenceLogprobs {@code S_ref} per row ({@link #referenceSeqLogprob}, {@link #preferenceMargin})
     * @param distributions    its distributions at every position ({@link #kl})
     * @param hiddenLayer      the layer of its residual stream ({@link #referenceHidden}), or -1
     */
    public record ReferenceReads(boolean sequenceLogprobs, boolean distributions, int hiddenLayer) {
        /** Whether the loss reads the reference model at all. */
        public boolean any() {
            return sequenceLogprobs || distributions || hiddenLayer >= 0;
        }
    }

    /** What the loss built so far reads of the reference model. */
    public ReferenceReads referenceReads() {
        return new ReferenceReads(reference != null, readsDistributions, referenceHiddenLayer);
    }

    /** The graph the terms live on. */
    public SameDiff sameDiff() {
        return sd;
    }

    /** Which rows hold which group. */
    public BatchLayout layout() {
        return layout;
    }

    /**
     * Names a part of the loss so that the trainer logs its value every step ({@code "terms"} in
     * {@code metrics.jsonl}); returns {@code value}.
     */
    public SDVariable term(String name, SDVariable value) {
        logged.put(name, value);
        return value;
    }

    /** The parts named with {@link #term}, in the order they were named. */
    public Map<String, SDVariable> loggedTerms() {
        return java.util.Collections.unmodifiableMap(logged);
    }

    /** {@code S_θ(y|x)} per row ({@code [B]}). */
    public SDVariable seqLogprob() {
        return seqLogprob;
    }

    /**
     * {@code S_ref(y|x)} per row, from the frozen reference model ({@code [B]}); filled on forget and refusal rows
     * (0 on the others).
     */
    public SDVariable referenceSeqLogprob() {
        if (reference == null) {
            reference = sd.placeHolder(REFERENCE, DataType.FLOAT, graph.batch());
        }
        return reference;
    }

    /** Response tokens per row ({@code [B]}). */
    public SDVariable tokenCounts() {
        return tokenCounts;
    }

    /** {@code S̄_θ}: mean log-probability per response token, per row ({@code [B]}). */
    public SDVariable meanTokenLogprob() {
        return seqLogprob.div(tokenCounts);
    }

    /** {@code S̄_ref}: the reference's mean log-probability per response token, per row ({@code [B]}). */
    public SDVariable referenceMeanTokenLogprob() {
        return referenceSeqLogprob().div(tokenCounts);
    }

    /** 1 on the rows of group {@code g}, 0 elsewhere ({@code [B]}). */
    public SDVariable rows(RowGroup g) {
        if (!layout.has(g)) {
            throw new IllegalStateException("the loss reads " + g + " rows, but the batch layout " + layout
                    + " has none: list " + g + " in the method's rowGroups()");
        }
        return rowMasks.computeIfAbsent(g, k -> {
            float[] mask = new float[layout.rows()];
            java.util.Arrays.fill(mask, layout.start(k), layout.start(k) + layout.count(k), 1f);
            return sd.constant("rows_" + k.name().toLowerCase(java.util.Locale.ROOT), Nd4j.createFromArray(mask));
        });
    }

    /** Token-mean NLL over the response tokens of group {@code g}'s rows (HF's {@code .loss} on that set). */
    public SDVariable nll(RowGroup g) {
        SDVariable r = rows(g);
        return seqLogprob.mul(r).sum().div(tokenCounts.mul(r).sum()).neg();
    }

    /** Token-mean NLL over the forget rows' response tokens. */
    public SDVariable forgetNll() {
        return nll(RowGroup.FORGET);
    }

    /** Token-mean NLL over the retain rows' response tokens. */
    public SDVariable retainNll() {
        return nll(RowGroup.RETAIN);
    }

    /**
     * {@code KL(π_ref ‖ π_θ)} per response position of group {@code g}'s rows, averaged over those positions. The
     * reference distributions come in as a placeholder the trainer fills from the frozen reference model.
     */
    public SDVariable kl(RowGroup g) {
        int b = graph.batch(), t = graph.time();
        SDVariable perPosition = graph.klToReference();
        readsDistributions = true;
        SDVariable positions = labelMask.reshape(b, t).mul(rows(g).reshape(b, 1)).reshape((long) b * t);
        return perPosition.mul(positions).sum().div(positions.sum());
    }

    /** {@code KL(π_ref ‖ π_θ)} on the retain rows' response positions. */
    public SDVariable retainKl() {
        return kl(RowGroup.RETAIN);
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

    /**
     * Mean over the real (non-padding) positions of group {@code g}'s rows, and over the hidden dimension, of a
     * per-position squared error summed over that dimension ({@code [B*T]}): what {@code mse_loss} gives per set.
     */
    public SDVariable meanSquaredOver(SDVariable perPositionSumSq, RowGroup g) {
        if (validPositions == null) {
            validPositions = sd.placeHolder(VALID_POSITIONS, DataType.FLOAT, (long) graph.batch() * graph.time());
        }
        int b = graph.batch(), t = graph.time();
        SDVariable mask = validPositions.reshape(b, t).mul(rows(g).reshape(b, 1)).reshape((long) b * t);
        return perPositionSumSq.mul(mask).sum().div(mask.sum().mul(graph.config().hiddenSize()));
    }

    /**
     * For refusal rows paired with forget rows (refusal row i answers forget row i's prompt):
     * {@code (S_θ(y_w) − S_ref(y_w)) − (S_θ(y_l) − S_ref(y_l))} per pair ({@code [n]}), the refusal as the chosen
     * response {@code y_w}, the forget response as the rejected {@code y_l}.
     */
    public SDVariable preferenceMargin() {
        rows(RowGroup.REFUSAL);
        long f = layout.start(RowGroup.FORGET), r = layout.start(RowGroup.REFUSAL), n = layout.count(RowGroup.FORGET);
        SDVariable implicitReward = seqLogprob.sub(referenceSeqLogprob());
        SDVariable rejected = implicitReward.get(SDIndex.interval(f, f + n));
        SDVariable chosen = implicitReward.get(SDIndex.interval(r, r + n));
        return chosen.sub(rejected);
    }

    /** Mean of a per-row quantity over group {@code g}'s rows. */
    public SDVariable meanOver(RowGroup g, SDVariable perRow) {
        SDVariable r = rows(g);
        return perRow.mul(r).sum().div(r.sum());
    }

    /** Mean of a per-row quantity over the forget rows. */
    public SDVariable meanOverForget(SDVariable perRow) {
        return meanOver(RowGroup.FORGET, perRow);
    }

    /**
     * Placeholder values for one batch, on top of {@link LlamaGraph#feed}.
     *
     * @param reference         {@code S_ref} per row, when the loss reads it (see {@link #referenceReads})
     * @param referenceLogProbs the reference model's log-probabilities {@code [B*T, V]}, when {@link #kl} is used
     * @param referenceHidden   the reference model's residual stream {@code [B*T, d]}, when {@link #referenceHidden} is used
     * @throws IllegalArgumentException when the loss reads a reference quantity that is not given
     */
    public Map<String, INDArray> feed(int[][] tokens, boolean[][] valid, int[][] labels, double[] reference,
                                      INDArray referenceLogProbs, INDArray referenceHidden) {
        Map<String, INDArray> feed = graph.feed(tokens, valid, labels);
        if (this.reference != null) {
            if (reference == null) {
                throw new IllegalArgumentException("this loss reads the reference's sequence log-probs: pass them");
            }
            float[] ref = new float[tokens.length];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = (float) reference[i];
            }
            feed.put(REFERENCE, Nd4j.createFromArray(ref));
        }
        if (readsDistributions) {
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
