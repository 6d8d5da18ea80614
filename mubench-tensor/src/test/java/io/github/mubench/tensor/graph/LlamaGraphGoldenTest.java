package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.Llama;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff training graph against PyTorch: loss (1e-5), every parameter's gradient (1e-4 relative to the
 * tensor's largest PyTorch gradient), a 10-step SGD loss trajectory (1e-3); and against the inference path's logits.
 */
class LlamaGraphGoldenTest {

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void lossAndAllGradientsMatchPyTorch(String name) {
        Fixture f = new Fixture(name);
        int[][] tokens = f.tokens();
        assertMatchesPyTorch(f, new LlamaGraph(f.checkpoint().config(), f.checkpoint().weights(), tokens.length, tokens[0].length, n -> true));
    }

    /** The same with the attention core on SameDiff's ops (what runs off the CPU backend), not {@link OutsideAttention}. */
    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void lossAndAllGradientsMatchPyTorchWithSameDiffsAttention(String name) {
        assertMatchesPyTorch(new Fixture(name), sameDiffOpsGraph(new Fixture(name)));
    }

    /** A graph of the fixture's model with every parameter trainable and its attention on SameDiff's ops. */
    private static LlamaGraph sameDiffOpsGraph(Fixture f) {
        int[][] tokens = f.tokens();
        String kept = System.getProperty(Kernels.PROPERTY);
        System.setProperty(Kernels.PROPERTY, "nd4j");
        try {
            return new LlamaGraph(f.checkpoint().config(), f.checkpoint().weights(), tokens.length, tokens[0].length, n -> true);
        } finally {
            if (kept == null) {
                System.clearProperty(Kernels.PROPERTY);
            } else {
                System.setProperty(Kernels.PROPERTY, kept);
            }
        }
    }

    /**
     * The computations outside SameDiff read each pass's own mask and angles: a graph that first ran a batch without
     * padding gives a fresh graph's gradients on the fixture's padded batch; and GCG's input-embedding gradient equals
     * the SameDiff-ops path's.
     */
    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void aReusedGraphAndTheInputGradientMatchAFreshSameDiffOpsGraph(String name) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        LlamaGraph reused = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, n -> true);
        boolean[][] unpadded = new boolean[tokens.length][tokens[0].length];
        for (boolean[] row : unpadded) {
            java.util.Arrays.fill(row, true);
        }
        reused.gradients(reused.feed(tokens, unpadded, f.labels()));
        LlamaGraph reference = sameDiffOpsGraph(f);
        Map<String, INDArray> expected = reference.gradients(reference.feed(tokens, f.valid(), f.labels()));
        Map<String, INDArray> actual = reused.gradients(reused.feed(tokens, f.valid(), f.labels()));
        for (String p : expected.keySet()) {
            assertClose(expected.get(p), actual.get(p), name + " gradient of " + p);
        }
        assertClose(reference.inputEmbeddingGradient(reference.feed(tokens, f.valid(), f.labels())),
                reused.inputEmbeddingGradient(reused.feed(tokens, f.valid(), f.labels())), name + " input-embedding gradient");
    }

    /**
     * A loss on layer 0's residual stream (as RMU's reads one layer's): the parameters above it get no gradient entry,
     * those below get the SameDiff-ops path's gradients; and a pass for the input's gradient in between leaves the
     * next pass's parameter gradients whole.
     */
    @org.junit.jupiter.api.Test
    void aLossOnAnEarlyLayerLeavesTheParametersAboveItOut() {
        Fixture f = new Fixture("qwen2");
        int[][] tokens = f.tokens();
        var ckpt = f.checkpoint();
        LlamaGraph outside = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, n -> true);
        LlamaGraph reference = sameDiffOpsGraph(f);
        for (LlamaGraph g : java.util.List.of(outside, reference)) {
            g.setLoss(g.hidden(0).mul(g.hidden(0)).mean());
        }
        Map<String, INDArray> expected = reference.gradients(reference.feed(tokens, f.valid(), f.labels()));
        outside.inputEmbeddingGradient(outside.feed(tokens, f.valid(), f.labels()));
        Map<String, INDArray> actual = outside.gradients(outside.feed(tokens, f.valid(), f.labels()));
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(actual.containsKey("model.layers.0.self_attn.q_proj.bias") && actual.containsKey("model.embed_tokens.weight"));
        assertTrue(actual.keySet().stream().noneMatch(n -> n.startsWith("model.layers.1.") || n.startsWith("model.norm")));
        for (String p : expected.keySet()) {
            assertClose(expected.get(p), actual.get(p), "gradient of " + p);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual.reshape(expected.shape())).amaxNumber().doubleValue();
        assertTrue(scale > 0 && diff <= 1e-5 * scale, what + ": max diff " + diff + " vs scale " + scale);
    }

    private static void assertMatchesPyTorch(Fixture f, LlamaGraph g) {
        String name = f.name;
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        Map<String, INDArray> feed = g.feed(tokens, f.valid(), f.labels());
        double loss = g.output(feed, "mean_nll").get("mean_nll").getDouble(0);
        assertEquals(f.ref("loss").getDouble(0), loss, 1e-5, name + " loss");

        Map<String, INDArray> grads = g.gradients(feed);
        assertEquals(ckpt.weights().asMap().size(), grads.size(), "one gradient per parameter");
        for (var e : ckpt.weights().asMap().keySet()) {
            INDArray expected = f.ref("grad/" + e);
            INDArray actual = grads.get(e);
            assertNotNull(actual, name + " gradient of " + e);
            double scale = expected.amaxNumber().doubleValue();
            double diff = expected.sub(actual.reshape(expected.shape())).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale, name + " gradient of " + e + ": max diff " + diff + " vs scale " + scale);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void tenSgdStepsFollowPyTorchsLossTrajectory(String name) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        LlamaGraph g = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, n -> true);
        INDArray expected = f.ref("sgd_losses");
        for (int step = 0; step < 10; step++) {
            Map<String, INDArray> feed = g.feed(tokens, f.valid(), f.labels());
            double loss = g.output(feed, "mean_nll").get("mean_nll").getDouble(0);
            assertEquals(expected.getDouble(step), loss, 1e-3, name + " step " + step);
            for (var e : g.gradients(feed).entrySet()) {
                g.parameter(e.getKey()).subi(e.getValue().reshape(g.parameter(e.getKey()).shape()).mul(0.1));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void graphLogitsEqualTheInferencePath(String name) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        int b = tokens.length, t = tokens[0].length;
        LlamaGraph g = new LlamaGraph(ckpt.config(), ckpt.weights(), b, t, n -> false);
        INDArray graphLogits = g.output(g.feed(tokens, f.valid(), f.labels()), "logits").get("logits")
                .reshape(b, t, ckpt.config().vocabSize());
        Llama fast = new Llama(ckpt);
        f.assertCloseAtRealPositions(fast.forward(tokens, f.valid(), fast.newCache(b, t), false), graphLogits, 1e-4, "graph vs inference logits");
    }

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void everyLayersResidualStreamMatchesPyTorch(String name) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        int b = tokens.length, t = tokens[0].length, d = ckpt.config().hiddenSize();
        LlamaGraph g = new LlamaGraph(ckpt.config(), ckpt.weights(), b, t, n -> false);
        Map<String, INDArray> feed = g.feed(tokens, f.valid(), f.labels());
        for (int l = 0; l < ckpt.config().numLayers(); l++) {
            INDArray actual = g.output(feed, g.hidden(l).name()).get(g.hidden(l).name()).reshape(b, t, d);
            f.assertCloseAtRealPositions(f.ref("hidden/" + l), actual, 1e-4, "layer " + l + " residual stream");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void frozenParametersGetNoGradientAndTrainableOnesStillMatch(String name) {
        assertOnlyTrainableGetGradients(name, java.util.Set.of("model.layers.1.mlp.down_proj.weight"));
        // the backward pass must reach layer 0's attention though no graph variable below layer 1 trains
        assertOnlyTrainableGetGradients(name, java.util.Set.of("model.layers.0.self_attn.q_proj.weight",
                "model.layers.1.mlp.down_proj.weight"));
    }

    private static void assertOnlyTrainableGetGradients(String name, java.util.Set<String> trainable) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        LlamaGraph g = new LlamaGraph(ckpt.config(), ckpt.weights(), tokens.length, tokens[0].length, trainable::contains);
        assertEquals(trainable, g.trainable());
        Map<String, INDArray> grads = g.gradients(g.feed(tokens, f.valid(), f.labels()));
        assertEquals(trainable, grads.keySet());
        for (String p : trainable) {
            INDArray expected = f.ref("grad/" + p);
            double diff = expected.sub(grads.get(p)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * expected.amaxNumber().doubleValue(), name + " " + p + " differs by " + diff);
        }
    }
}
