package io.github.mubench.unlearn.optim;

import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Learning-rate factors over 20 steps against a torch optimizer driven by {@code torch.optim.lr_scheduler}
 * ({@code tools/make_fixtures.py schedules}): LambdaLR with HF's warm-up schedules, and torch's own LinearLR and
 * CosineAnnealingLR without warm-up.
 */
class LrScheduleTest {
    private static final SafetensorsFile REF = SafetensorsFile.open(
            Path.of("..", "mubench-tensor", "src", "test", "resources", "fixtures", "schedules", "reference.safetensors"));

    private static void matches(String name, LrSchedule schedule) {
        INDArray expected = REF.load(name);
        for (int step = 0; step < expected.length(); step++) {
            assertEquals(expected.getDouble(step), schedule.factor(step, (int) expected.length()), 1e-6, name + " step " + step);
        }
    }

    @Test
    void warmUpSchedulesMatchTorchLambdaLrWithHfFormulas() {
        for (LrSchedule.Kind kind : LrSchedule.Kind.values()) {
            for (int warmup : new int[]{0, 5}) {
                matches(kind.name().toLowerCase() + "/" + warmup, new LrSchedule(kind, warmup));
            }
        }
    }

    @Test
    void withoutWarmUpTheyAreTorchsLinearLrAndCosineAnnealingLr() {
        matches("torch_linear/0", new LrSchedule(LrSchedule.Kind.LINEAR, 0));
        matches("torch_cosine/0", new LrSchedule(LrSchedule.Kind.COSINE, 0));
    }

    @Test
    void negativeWarmUpIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.LINEAR, -5));
    }
}
