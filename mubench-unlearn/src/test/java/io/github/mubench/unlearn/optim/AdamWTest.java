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
 * Three AdamW steps on given gradients against PyTorch 1.13's {@code torch.optim.AdamW}
 * ({@code tools/make_fixtures.py optim}), element by element in float ulps of torch's value: parameters after each
 * step and both moments after the last, for the default betas and eps with weight decay and for betas (0.5, 0.9)
 * with eps 1e-3. The host's one-pass kernel gives torch's floats bit for bit (it does torch's multiply-adds fused, as
 * torch's vectorised kernels do; unfused, a third of the elements were 1–2 ulps off); ND4J ops, which round in
 * another order, within 64 ulps (up to 32 seen, on values near zero, where an ulp is small).
 */
class AdamWTest {
    private static final SafetensorsFile REF = SafetensorsFile.open(
            Path.of("..", "mubench-tensor", "src", "test", "resources", "fixtures", "optim", "reference.safetensors"));
    private static final List<String> PARAMS = List.of("a", "b");

    private static AdamW optimizer(String setting) {
        return setting.equals("default") ? new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.1) : new AdamW(1e-2, 0.5, 0.9, 1e-3, 0.0);
    }

    /** Runs the setting's steps; the largest distance from torch's parameters and moments, in ulps of torch's value. */
    private static double maxUlps(String setting, AdamW optimizer, int fusedEachStep) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        PARAMS.forEach(k -> params.put(k, REF.load(setting + "/init/" + k).dup()));
        double worst = 0;
        for (int step = 0; step < 3; step++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (String k : PARAMS) {
                grads.put(k, REF.load(setting + "/grad" + step + "/" + k).dup());
            }
            optimizer.step(params, grads, 1e-2);
            assertEquals(fusedEachStep, optimizer.fusedLastStep(), "parameters updated in one pass");
            for (String k : PARAMS) {
                worst = Math.max(worst, ulps(REF.load(setting + "/param" + step + "/" + k), params.get(k)));
            }
        }
        Map<String, INDArray> state = optimizer.state();
        for (String k : PARAMS) {
            worst = Math.max(worst, ulps(REF.load(setting + "/m/" + k), state.get("m/" + k)));
            worst = Math.max(worst, ulps(REF.load(setting + "/v/" + k), state.get("v/" + k)));
        }
        return worst;
    }

    private static double ulps(INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length());
        double worst = 0;
        for (long i = 0; i < expected.length(); i++) {
            float e = expected.getFloat(i);
            worst = Math.max(worst, Math.abs(e - actual.getFloat(i)) / Math.ulp(e));
        }
        return worst;
    }

    @Test
    void theHostKernelGivesTorchsFloats() {
        assertTrue(Kernels.onHost(), "the tests run on ND4J's CPU backend");
        for (String setting : List.of("default", "other")) {
            assertEquals(0, maxUlps(setting, optimizer(setting), PARAMS.size()), setting);
        }
    }

    @Test
    void nd4jOpsGiveTheSameStepsWithinRounding() {
        String before = System.getProperty(Kernels.PROPERTY);
        System.setProperty(Kernels.PROPERTY, "nd4j");
        try {
            for (String setting : List.of("default", "other")) {
                assertEquals(0, maxUlps(setting, optimizer(setting), 0), 64, setting);
            }
        } finally {
            if (before == null) {
                System.clearProperty(Kernels.PROPERTY);
            } else {
                System.setProperty(Kernels.PROPERTY, before);
            }
        }
    }
}
