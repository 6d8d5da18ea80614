package io.github.mubench.unlearn;

import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.unlearn.methods.Dpo;
import io.github.mubench.unlearn.methods.Eraser;
import io.github.mubench.unlearn.methods.GaKl;
import io.github.mubench.unlearn.methods.GradDiff;
import io.github.mubench.unlearn.methods.GradientAscent;
import io.github.mubench.unlearn.methods.Llmu;
import io.github.mubench.unlearn.methods.Npo;
import io.github.mubench.unlearn.methods.Rmu;
import io.github.mubench.unlearn.methods.SafeUnlearning;
import io.github.mubench.unlearn.methods.SimNpo;
import io.github.mubench.unlearn.methods.Sku;
import io.github.mubench.unlearn.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each method's loss and the gradient of every trainable parameter against PyTorch ({@code tools/make_fixtures.py}
 * writes the losses from mu-methods.md): loss within 1e-5 (relative when above 1), gradients within 1e-4 of the tensor's largest gradient.
 * Then three AdamW steps on the same batch follow torch.optim.AdamW's loss trajectory (1e-4 relative).
 * The two-row batch ({@code unlearn/}) holds a forget row and a retain row (DPO: rejected, chosen); the four-row
 * batch ({@code groups/}) a forget row, a retain row and two random-mismatch rows, or (first three rows) a forget,
 * a retain and a refusal row. The reference model is the initial one shifted: {@code S_ref = S_0 − 0.5},
 * distributions {@code softmax(0.9·logits_0)}.
 */
class MethodGoldenTest {
    private static final Fixture F = new Fixture("llama");
    private static final BatchLayout FORGET_RETAIN = BatchLayout.of(Map.of(RowGroup.FORGET, 1, RowGroup.RETAIN, 1));

    /**
     * @param batch where the batch's tensors are stored ("" for the two-row batch)
     * @param refs  where the reference and expected values are stored
     */
    private record Case(UnlearningMethod method, String batch, String refs, BatchLayout layout) {
        Case(UnlearningMethod method, BatchLayout layout) {
            this(method, "", "unlearn/", layout);
        }

        static Case fourRows(UnlearningMethod method, BatchLayout layout) {
            return new Case(method, "groups/", "groups/", layout);
        }
    }

    private static Case golden(String name) {
        BatchLayout refusal = BatchLayout.of(Map.of(RowGroup.FORGET, 1, RowGroup.RETAIN, 1, RowGroup.REFUSAL, 1));
        return switch (name) {
            case "ga" -> new Case(new GradientAscent(), FORGET_RETAIN);
            case "graddiff" -> new Case(GradDiff.defaults(), FORGET_RETAIN);
            case "npo" -> new Case(Npo.defaults(), FORGET_RETAIN);
            case "npo_rt" -> new Case(Npo.beta(0.1).withRetainNll(1.0), FORGET_RETAIN);
            case "npo_kl" -> new Case(Npo.beta(0.1).withRetainKl(1.0), FORGET_RETAIN);
            case "ga_kl" -> new Case(GaKl.defaults(), FORGET_RETAIN);
            case "simnpo" -> new Case(SimNpo.defaults(), FORGET_RETAIN);
            case "dpo" -> new Case(Dpo.defaults(), BatchLayout.of(Map.of(RowGroup.FORGET, 1, RowGroup.REFUSAL, 1)));
            case "sku" -> Case.fourRows(new Sku(0.5, 1, 1, 2, 1),
                    BatchLayout.of(Map.of(RowGroup.FORGET, 1, RowGroup.RETAIN, 1, RowGroup.RANDOM_HARMFUL, 2)));
            case "llmu" -> Case.fourRows(new Llmu(0.5, 1, 1, 2),
                    BatchLayout.of(Map.of(RowGroup.FORGET, 1, RowGroup.RETAIN, 1, RowGroup.RANDOM_BENIGN, 2)));
            case "eraser" -> Case.fourRows(new Eraser(10, 1, 1), refusal);
            case "safe_unlearning" -> Case.fourRows(SafeUnlearning.defaults(), refusal);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * A graph for the case's batch with its loss set. The feed is built anew for each pass: it holds the input
     * embeddings, looked up from the current embedding matrix.
     */
    private record Setup(Case c, LlamaGraph graph, LossTerms terms, String lossName) {
        static Setup of(Case c) {
            var ckpt = F.checkpoint();
            LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), c.layout().rows(), F.tokens(c.batch())[0].length, n -> true);
            LossTerms terms = new LossTerms(graph, c.layout());
            var loss = c.method().loss(terms);
            graph.setLoss(loss);
            return new Setup(c, graph, terms, loss.name());
        }

        Map<String, INDArray> feed() {
            int rows = c.layout().rows();
            double[] ref = Arrays.copyOf(F.ref(c.refs() + "reference_seq_logprob").toDoubleVector(), rows);
            INDArray refLogProbs = terms.referenceReads().distributions()
                    ? F.ref(c.refs() + "reference_log_probs").get(NDArrayIndex.interval(0, rows)).dup()
                    .reshape(-1, graph.config().vocabSize())
                    : null;
            return terms.feed(Arrays.copyOf(F.tokens(c.batch()), rows), Arrays.copyOf(F.valid(c.batch()), rows),
                    Arrays.copyOf(F.labels(c.batch()), rows), ref, refLogProbs, null);
        }

        double lossValue() {
            return graph.output(feed(), lossName).get(lossName).getDouble(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ga", "graddiff", "npo", "npo_rt", "npo_kl", "ga_kl", "simnpo", "dpo", "sku", "llmu", "eraser", "safe_unlearning"})
    void lossAndGradientsMatchPyTorch(String name) {
        Case c = golden(name);
        Setup s = Setup.of(c);
        String dir = c.refs() + name + "/";
        double expectedLoss = F.ref(dir + "loss").getDouble(0);
        // relative above 1: NPO and DPO multiply float32 log-probability gaps by 2/β = 20
        assertEquals(expectedLoss, s.lossValue(), 1e-5 * Math.max(1, Math.abs(expectedLoss)), name + " loss");
        Map<String, INDArray> grads = s.graph().gradients(s.feed());
        for (String p : F.checkpoint().weights().asMap().keySet()) {
            INDArray expected = F.ref(dir + "grad/" + p);
            double scale = expected.amaxNumber().doubleValue();
            double diff = expected.sub(grads.get(p).reshape(expected.shape())).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale, name + " gradient of " + p + ": diff " + diff + " vs scale " + scale);
        }
    }

    /** torch.optim.AdamW (lr 1e-2, weight decay 0.01) on the same batch: the loss before each of three steps. */
    @ParameterizedTest
    @ValueSource(strings = {"ga", "graddiff", "npo", "npo_rt", "npo_kl", "ga_kl", "simnpo", "dpo", "sku", "llmu", "eraser", "safe_unlearning"})
    void threeAdamWStepsFollowPyTorch(String name) {
        Case c = golden(name);
        Setup s = Setup.of(c);
        var adamw = AdamW.lr(1e-2);
        INDArray expected = F.ref(c.refs() + name + "/adamw_losses");
        for (int step = 0; step < 3; step++) {
            assertEquals(expected.getDouble(step), s.lossValue(), 1e-4 * Math.max(1, Math.abs(expected.getDouble(step))), name + " step " + step);
            adamw.step(s.graph().parameters(), s.graph().gradients(s.feed()), adamw.learningRate());
        }
    }

    @Test
    void rmuLossAndItsThreeTrainableGradientsMatchPyTorch() {
        var ckpt = F.checkpoint();
        int[][] tokens = F.tokens();
        var rmu = new Rmu(1, 6.5, 1200, 0);
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, rmu.trainable(ckpt.config()));
        assertEquals(java.util.Set.of("model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight"), graph.trainable());
        LossTerms terms = new LossTerms(graph, FORGET_RETAIN);
        var loss = rmu.loss(terms, F.ref("unlearn/rmu/u").toFloatVector());
        graph.setLoss(loss);
        Map<String, INDArray> feed = terms.feed(tokens, F.valid(), F.labels(), null, null,
                F.ref("unlearn/rmu/reference_hidden").reshape(-1, ckpt.config().hiddenSize()));
        assertEquals(F.ref("unlearn/rmu/loss").getDouble(0), graph.output(feed, loss.name()).get(loss.name()).getDouble(0), 1e-3);
        Map<String, INDArray> grads = graph.gradients(feed);
        for (String p : graph.trainable()) {
            INDArray expected = F.ref("unlearn/rmu/grad/" + p);
            double diff = expected.sub(grads.get(p)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * expected.amaxNumber().doubleValue(), "rmu gradient of " + p + ": diff " + diff);
        }
        var adamw = AdamW.lr(1e-2);
        INDArray trajectory = F.ref("unlearn/rmu/adamw_losses");
        for (int step = 0; step < 3; step++) {
            double value = graph.output(feed, loss.name()).get(loss.name()).getDouble(0);
            assertEquals(trajectory.getDouble(step), value, 1e-4 * Math.max(1, Math.abs(value)), "rmu AdamW step " + step);
            adamw.step(graph.parameters(), graph.gradients(feed), adamw.learningRate());
        }
    }
}
