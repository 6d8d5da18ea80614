package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.model.Llama;
import io.github.mubench.tensor.model.ModelWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA adapters: start as the base model, train alone, and merged weights give the unmerged graph's logits. */
class LoraTest {

    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void onlyAdaptersTrainAndMergedEqualsUnmerged(String name) {
        Fixture f = new Fixture(name);
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        int b = tokens.length, t = tokens[0].length, v = ckpt.config().vocabSize();
        var lora = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "down_proj"), 1);
        LlamaGraph g = new LlamaGraph(ckpt.config(), ckpt.weights(), b, t, n -> true, lora);
        assertTrue(g.trainable().stream().allMatch(n -> n.contains(".lora_")) && g.trainable().size() == 3 * 2 * ckpt.config().numLayers());

        Map<String, INDArray> feed = g.feed(tokens, f.valid(), f.labels());
        double before = g.output(feed, "mean_nll").get("mean_nll").getDouble(0);
        assertEquals(f.ref("loss").getDouble(0), before, 1e-5, "B = 0: the adapted model starts as the base model");
        for (int step = 0; step < 3; step++) {
            feed = g.feed(tokens, f.valid(), f.labels());
            for (var e : g.gradients(feed).entrySet()) {
                g.parameter(e.getKey()).subi(e.getValue().reshape(g.parameter(e.getKey()).shape()).mul(0.05));
            }
        }
        feed = g.feed(tokens, f.valid(), f.labels());
        assertTrue(g.output(feed, "mean_nll").get("mean_nll").getDouble(0) < before, "the adapters learned");
        INDArray unmerged = g.output(feed, "logits").get("logits").reshape(b, t, v);

        Map<String, INDArray> merged = g.mergedWeights();
        assertEquals(ckpt.weights().asMap().keySet(), merged.keySet(), "merged weights have the base model's names");
        for (var e : ckpt.weights().asMap().entrySet()) {
            boolean adapted = e.getKey().matches(".*(q_proj|v_proj|down_proj)\\.weight");
            assertEquals(!adapted, e.getValue().equals(merged.get(e.getKey())), e.getKey());
        }
        Llama fast = new Llama(new Checkpoint(ckpt.config(), new ModelWeights(merged, null, null)));
        INDArray mergedLogits = fast.forward(tokens, f.valid(), fast.newCache(b, t), false);
        f.assertCloseAtRealPositions(unmerged, mergedLogits, 1e-4, "merged vs unmerged logits");
    }

    /**
     * PEFT's lora_dropout: with B = 0 the gradient of B is linear in the dropped input, so its mean over many masks
     * equals the no-dropout gradient only if kept values are scaled by 1/(1−p) (unscaled, it would be half of it at
     * p = 0.5). Seeding ND4J's generator repeats a mask; another seed draws another.
     */
    @org.junit.jupiter.api.Test
    void dropoutIsInvertedSeededAndUnbiased() {
        Fixture f = new Fixture("llama");
        var ckpt = f.checkpoint();
        int[][] tokens = f.tokens();
        String bName = "model.layers.0.self_attn.q_proj.lora_B.weight";
        java.util.function.Function<Double, LlamaGraph> graph = p -> new LlamaGraph(ckpt.config(), ckpt.weights(),
                tokens.length, tokens[0].length, n -> true, new LoraConfig(4, 8, List.of("q_proj"), 3, p));
        LlamaGraph plain = graph.apply(0.0), dropped = graph.apply(0.5);
        INDArray exact = plain.gradients(plain.feed(tokens, f.valid(), f.labels())).get(bName);

        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
        INDArray first = dropped.gradients(dropped.feed(tokens, f.valid(), f.labels())).get(bName).dup();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
        INDArray again = dropped.gradients(dropped.feed(tokens, f.valid(), f.labels())).get(bName).dup();
        assertEquals(first, again, "same seed, same mask");
        INDArray mean = first.mul(0);
        int samples = 200;
        for (int s = 0; s < samples; s++) {
            org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(100 + s);
            INDArray g = dropped.gradients(dropped.feed(tokens, f.valid(), f.labels())).get(bName);
            assertTrue(s > 0 || !g.equals(first), "another seed, another mask");
            mean.addi(g.div(samples));
        }
        double scale = exact.amaxNumber().doubleValue();
        double err = mean.sub(exact).amaxNumber().doubleValue();
        assertTrue(err < 0.15 * scale, "mean over masks " + err + " from the exact gradient (scale " + scale + ")");
    }
}
