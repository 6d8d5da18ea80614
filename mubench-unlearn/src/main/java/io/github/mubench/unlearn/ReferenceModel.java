package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.model.SoftmaxRows;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.unlearn.data.TokenizedExample;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The frozen starting model, asked only for what the loss reads of it ({@link LossTerms#referenceReads}): summed
 * response log-probs per example (computed once, as they never change), distributions and hidden states per batch.
 */
final class ReferenceModel {
    private final LossTerms.ReferenceReads reads;
    private final LanguageModel inference;
    private final LlamaGraph hiddenGraph;

    ReferenceModel(Checkpoint start, LossTerms.ReferenceReads reads, int rows, int time) {
        this.reads = reads;
        this.inference = reads.sequenceLogprobs() || reads.distributions() ? Kernels.inference(start) : null;
        this.hiddenGraph = reads.hiddenLayer() >= 0 ? new LlamaGraph(start.config(), start.weights(), rows, time, n -> false) : null;
    }

    /** {@code S_ref} of each example, or {@code null} when the loss does not read it. */
    double[] sequenceLogprobs(List<TokenizedExample> examples) {
        if (!reads.sequenceLogprobs() || examples.isEmpty()) {
            return null;
        }
        List<LogLikelihood.Request> requests = examples.stream()
                .map(e -> new LogLikelihood.Request(e.promptIds(), e.responseIds())).toList();
        return new LogLikelihood(inference, 8).score(requests).stream().mapToDouble(LogLikelihood.Result::logprob).toArray();
    }

    /** Log-probabilities at every position of a batch ({@code [B*T, V]}), or {@code null} when not read. */
    INDArray logProbs(int[][] tokens, boolean[][] valid) {
        if (!reads.distributions()) {
            return null;
        }
        INDArray logits = inference.forward(tokens, valid, inference.newCache(tokens.length, tokens[0].length), false);
        if (Kernels.onHost() && logits.dataType() == DataType.FLOAT && !logits.isView() && logits.ordering() == 'c'
                && logits.offset() == 0) {
            SoftmaxRows.logInPlace(logits); // on both cores, where ND4J's runs on one
            return logits.reshape(-1, logits.size(2));
        }
        return Nd4j.nn.logSoftmax(logits, -1).reshape(-1, logits.size(2));
    }

    /** The residual stream at the layer the loss reads ({@code [B*T, d]}), or {@code null} when not read. */
    INDArray hidden(int[][] tokens, boolean[][] valid, int[][] labels) {
        if (hiddenGraph == null) {
            return null;
        }
        String name = hiddenGraph.hidden(reads.hiddenLayer()).name();
        return hiddenGraph.output(hiddenGraph.feed(tokens, valid, labels), name).get(name);
    }
}
