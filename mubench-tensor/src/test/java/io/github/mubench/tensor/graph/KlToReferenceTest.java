package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The head's {@code KL(π_ref ‖ π_θ)} per position (its gradients are checked against PyTorch by mubench-unlearn's
 * {@code MethodGoldenTest}, through every KL method's AdamW trajectory): 0 where the reference is the model itself,
 * {@code Σ_j r_j·(log r_j − log p_j)} with SameDiff's own log-softmax ({@link LlamaGraph#logProbs}) for another
 * reference, in double precision, and NaN when no reference is fed.
 */
class KlToReferenceTest {

    @Test
    void klIsZeroAtTheModelItselfAndTheSumOverTheVocabularyOtherwise() {
        Fixture f = new Fixture("llama");
        int[][] tokens = f.tokens();
        LlamaGraph g = new LlamaGraph(f.checkpoint().config(), f.checkpoint().weights(), tokens.length, tokens[0].length, n -> true);
        SDVariable kl = g.klToReference();
        Map<String, INDArray> feed = g.feed(tokens, f.valid(), f.labels());
        INDArray logp = g.output(feed, "log_probs").get("log_probs").dup();
        int rows = (int) logp.size(0), vocab = (int) logp.size(1);

        feed.put(LlamaGraph.REFERENCE_LOG_PROBS, logp.dup());
        INDArray atSelf = g.output(feed, kl.name()).get(kl.name());
        for (int r = 0; r < rows; r++) {
            assertEquals(0, atSelf.getDouble(r), 1e-5, "row " + r + " against itself");
        }

        SplittableRandom random = new SplittableRandom(3);
        float[][] ref = new float[rows][vocab];
        for (float[] row : ref) {
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                row[j] = (float) (3 * random.nextGaussian());
                sum += Math.exp(row[j]);
            }
            for (int j = 0; j < vocab; j++) {
                row[j] -= (float) Math.log(sum);
            }
        }
        feed.put(LlamaGraph.REFERENCE_LOG_PROBS, Nd4j.createFromArray(ref));
        INDArray got = g.output(feed, kl.name()).get(kl.name());
        for (int r = 0; r < rows; r++) {
            double expected = 0;
            for (int j = 0; j < vocab; j++) {
                expected += Math.exp(ref[r][j]) * (ref[r][j] - logp.getDouble(r, j));
            }
            assertTrue(expected > 0.1, "the reference differs");
            assertEquals(expected, got.getDouble(r), 1e-5 * expected, "row " + r);
        }

        feed.remove(LlamaGraph.REFERENCE_LOG_PROBS);
        assertTrue(Double.isNaN(g.output(feed, kl.name()).get(kl.name()).getDouble(0)), "no reference fed");
    }
}
