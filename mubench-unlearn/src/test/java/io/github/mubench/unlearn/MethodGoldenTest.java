package io.github.mubench.unlearn;

import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.unlearn.methods.GradDiff;
import io.github.mubench.unlearn.methods.GradientAscent;
import io.github.mubench.unlearn.methods.Npo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each method's loss (GA, GradDiff, NPO, NPO+RT, NPO+KL, GA+KL, SimNPO) and the gradient of every parameter against PyTorch (tools/make_fixtures.py writes the losses
 * from mu-methods.md): loss within 1e-5, gradients within 1e-4 of the tensor's largest gradient. Row 0 of the fixture
 * batch is the forget example, row 1 the retain example; the reference is the initial model shifted by −0.5.
 */
class MethodGoldenTest {

    private static UnlearningMethod method(String name) {
        return switch (name) {
            case "ga" -> new GradientAscent();
            case "graddiff" -> new GradDiff();
            case "npo" -> new Npo();
            case "npo_rt" -> Npo.beta(0.1).withRetainNll(1.0);
            case "npo_kl" -> Npo.beta(0.1).withRetainKl(1.0);
            case "ga_kl" -> new io.github.mubench.unlearn.methods.GaKl();
            case "simnpo" -> new io.github.mubench.unlearn.methods.SimNpo();
            case "dpo" -> new io.github.mubench.unlearn.methods.Dpo();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"ga", "graddiff", "npo", "npo_rt", "npo_kl", "ga_kl", "simnpo", "dpo"})
    void lossAndGradientsMatchPyTorch(String name) {
        Fixture f = new Fixture("llama");
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, n -> true);
        LossTerms terms = new LossTerms(graph);
        var loss = method(name).loss(terms);
        graph.setLoss(loss);
        INDArray ref = f.ref("unlearn/reference_seq_logprob");
        Map<String, INDArray> feed = terms.feed(tokens, f.valid(), f.labels(), new boolean[]{true, false},
                new double[]{ref.getDouble(0), ref.getDouble(1)},
                terms.usesReferenceDistributions() ? f.ref("unlearn/reference_log_probs").reshape(-1, ckpt.config().vocabSize()) : null,
                null);

        double value = graph.output(feed, loss.name()).get(loss.name()).getDouble(0);
        assertEquals(f.ref("unlearn/" + name + "/loss").getDouble(0), value, 1e-5, name + " loss");
        Map<String, INDArray> grads = graph.gradients(feed);
        for (String p : ckpt.weights().asMap().keySet()) {
            INDArray expected = f.ref("unlearn/" + name + "/grad/" + p);
            double scale = expected.amaxNumber().doubleValue();
            double diff = expected.sub(grads.get(p).reshape(expected.shape())).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale, name + " gradient of " + p + ": diff " + diff + " vs scale " + scale);
        }
    }

    @org.junit.jupiter.api.Test
    void threeAdamWStepsOfGradDiffFollowPyTorch() {
        Fixture f = new Fixture("llama");
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, n -> true);
        LossTerms terms = new LossTerms(graph);
        var loss = new GradDiff().loss(terms);
        graph.setLoss(loss);
        var adamw = io.github.mubench.unlearn.optim.AdamW.lr(1e-2);
        INDArray expected = f.ref("unlearn/graddiff/adamw_losses");
        for (int step = 0; step < 3; step++) {
            Map<String, INDArray> feed = terms.feed(tokens, f.valid(), f.labels(), new boolean[]{true, false}, null, null, null);
            assertEquals(expected.getDouble(step), graph.output(feed, loss.name()).get(loss.name()).getDouble(0), 1e-4, "step " + step);
            adamw.step(graph.parameters(), graph.gradients(feed), adamw.learningRate());
        }
    }

    @org.junit.jupiter.api.Test
    void rmuLossAndItsThreeTrainableGradientsMatchPyTorch() {
        Fixture f = new Fixture("llama");
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        var rmu = new io.github.mubench.unlearn.methods.Rmu(1, 6.5, 1200, f.ref("unlearn/rmu/u").toFloatVector());
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, rmu.trainable());
        assertEquals(java.util.Set.of("model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight"), graph.trainable());
        LossTerms terms = new LossTerms(graph);
        var loss = rmu.loss(terms);
        graph.setLoss(loss);
        Map<String, INDArray> feed = terms.feed(tokens, f.valid(), f.labels(), new boolean[]{true, false}, null, null,
                f.ref("unlearn/rmu/reference_hidden").reshape(-1, ckpt.config().hiddenSize()));
        assertEquals(f.ref("unlearn/rmu/loss").getDouble(0), graph.output(feed, loss.name()).get(loss.name()).getDouble(0), 1e-3);
        Map<String, INDArray> grads = graph.gradients(feed);
        for (String p : graph.trainable()) {
            INDArray expected = f.ref("unlearn/rmu/grad/" + p);
            double diff = expected.sub(grads.get(p)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * expected.amaxNumber().doubleValue(), "rmu gradient of " + p + ": diff " + diff);
        }
    }
}
