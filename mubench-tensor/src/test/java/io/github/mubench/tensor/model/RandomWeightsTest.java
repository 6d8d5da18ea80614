package io.github.mubench.tensor.model;

import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Random weights repeat for a seed (benchmarks and peers rely on it) and follow HF's normal(0, 0.02). */
class RandomWeightsTest {
    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        LlamaConfig c = new Fixture("llama").checkpoint().config();
        var a = RandomWeights.of(c, 3).asMap();
        var b = RandomWeights.of(c, 3).asMap();
        var other = RandomWeights.of(c, 4).asMap();
        for (String name : a.keySet()) {
            assertEquals(a.get(name), b.get(name), name);
        }
        String q = "model.layers.0.self_attn.q_proj.weight";
        assertNotEquals(a.get(q), other.get(q));
        assertEquals(0.02, a.get(q).stdNumber().doubleValue(), 0.004, "standard deviation of " + q);
    }
}
