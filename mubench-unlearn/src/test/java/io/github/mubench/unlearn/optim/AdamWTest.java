package io.github.mubench.unlearn.optim;

import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import io.github.mubench.tensor.model.Kernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three AdamW steps on given gradients against {@code torch.optim.AdamW} ({@code tools/make_fixtures.py optim}):
 * parameters after each step and both moments after the last, for the defaults' betas with weight decay and for
 * β₁ 0.3 (the other side of torch's lerp); on the host's one-pass kernel and on ND4J ops.
 */
class AdamWTest {
    private static final SafetensorsFile REF = SafetensorsFile.open(
            Path.of("..", "mubench-tensor", "src", "test", "resources", "fixtures", "optim", "reference.safetensors"));
    private static final List<String> PARAMS = List.of("a", "b");
    /** About two float ulps of the largest parameters (|θ| < 4): both paths are 1–2 ulps from torch's. */
    private static final double TOLERANCE = 5e-7;

    /** Runs the fixture's steps and returns the largest difference from torch's parameters. */
    private static double maxError(String setting, AdamW optimizer) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        PARAMS.forEach(k -> params.put(k, REF.load(setting + "/init/" + k).dup()));
        double worst = 0;
        for (int step = 0; step < 3; step++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (String k : PARAMS) {
                grads.put(k, REF.load(setting + "/grad" + step + "/" + k).dup());
            }
            optimizer.step(params, grads, 1e-2);
            for (String k : PARAMS) {
                worst = Math.max(worst, maxAbsDiff(REF.load(setting + "/param" + step + "/" + k), params.get(k)));
            }
        }
        Map<String, INDArray> state = optimizer.state();
        for (String k : PARAMS) {
            INDArray m = REF.load(setting + "/m/" + k), v = REF.load(setting + "/v/" + k);
            assertTrue(maxAbsDiff(m, state.get("m/" + k)) <= 1e-6 * Math.max(1, m.amaxNumber().doubleValue()), setting + " m/" + k);
            assertTrue(maxAbsDiff(v, state.get("v/" + k)) <= 1e-6 * Math.max(1, v.amaxNumber().doubleValue()), setting + " v/" + k);
        }
        return worst;
    }

    private static double maxAbsDiff(INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length());
        double worst = 0;
        for (long i = 0; i < expected.length(); i++) {
            worst = Math.max(worst, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
        }
        return worst;
    }

    @Test
    void theHostKernelGivesTorchsStepsInFloat() {
        assertTrue(Kernels.onHost(), "the tests run on ND4J's CPU backend");
        assertEquals(0, maxError("default", new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.1)), TOLERANCE, "default");
        assertEquals(0, maxError("beta1_0.3", new AdamW(1e-2, 0.3, 0.999, 1e-8, 0.0)), TOLERANCE, "beta1 0.3");
    }

    @Test
    void nd4jOpsGiveTheSameStepsWithinRounding() {
        String before = System.getProperty(Kernels.PROPERTY);
        System.setProperty(Kernels.PROPERTY, "nd4j");
        try {
            assertEquals(0, maxError("default", new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.1)), TOLERANCE, "default");
            assertEquals(0, maxError("beta1_0.3", new AdamW(1e-2, 0.3, 0.999, 1e-8, 0.0)), TOLERANCE, "beta1 0.3");
        } finally {
            if (before == null) {
                System.clearProperty(Kernels.PROPERTY);
            } else {
                System.setProperty(Kernels.PROPERTY, before);
            }
        }
    }
}
