package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampling distribution after temperature, top-k and top-p against HF's logits warpers written in PyTorch
 * ({@code tools/make_fixtures.py sampling}: five configurations × four rows of 50 logits, one with a tie), and the
 * draws against that distribution.
 */
class SamplerTest {
    private static final SafetensorsFile REF = SafetensorsFile.open(Path.of("src/test/resources/fixtures/sampling/reference.safetensors"));

    private static Sampler sampler(INDArray config) {
        double t = config.getDouble(0), p = config.getDouble(2);
        int k = (int) config.getDouble(1);
        return new Sampler(GenerationConfig.greedy(1).withTemperature(t).withTopK(k).withTopP(p));
    }

    @Test
    void filteredDistributionsMatchHfWarpers() {
        INDArray logits = REF.load("logits");
        for (int c = 0; c < 5; c++) {
            Sampler s = sampler(REF.load("config/" + c));
            INDArray expected = REF.load("probs/" + c);
            for (int row = 0; row < logits.rows(); row++) {
                double[] p = s.distribution(logits.getRow(row).toFloatVector());
                for (int v = 0; v < p.length; v++) {
                    double e = expected.getDouble(row, v);
                    assertEquals(e, p[v], 1e-6, "config " + c + " row " + row + " token " + v);
                    assertEquals(e == 0, p[v] == 0, "the same tokens are cut: config " + c + " row " + row + " token " + v);
                }
            }
        }
    }

    @Test
    void drawsFollowTheDistribution() {
        INDArray logits = REF.load("logits");
        Sampler s = sampler(REF.load("config/3"));
        float[] row = logits.getRow(1).toFloatVector();
        double[] p = s.distribution(row);
        int n = 40_000;
        int[] counts = new int[p.length];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            counts[s.next(row, rnd)]++;
        }
        for (int v = 0; v < p.length; v++) {
            double sd = Math.sqrt(n * p[v] * (1 - p[v]));
            assertTrue(Math.abs(counts[v] - n * p[v]) <= 5 * sd + 1, "token " + v + ": " + counts[v] + " draws, expected " + n * p[v]);
        }
    }
}
