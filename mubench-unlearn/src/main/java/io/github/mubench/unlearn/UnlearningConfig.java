package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LoraConfig;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Optimizer;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a run trains: everything but the model, the data and where the output goes. Checked on construction, so a
 * bad setting fails before any work.
 *
 * @param method               the unlearning method
 * @param optimizer            its settings (each run starts it {@link Optimizer#fresh() fresh})
 * @param schedule             learning-rate schedule
 * @param steps                optimizer steps, unless {@code epochs} is set
 * @param epochs               passes over the forget set instead of {@code steps} (0: use steps): {@code ceil(e·|D_f| /
 *                             (forgetBatch · gradientAccumulation))} steps
 * @param gradientAccumulation micro-batches whose gradients are averaged into each step
 * @param forgetBatch          forget rows per micro-batch (random-mismatch and refusal rows follow this count)
 * @param retainBatch          retain rows per micro-batch (for methods that read retain rows)
 * @param maxLength            longest tokenized example; longer ones are cut from the left of the prompt
 * @param seed                 seeds the batch order, random-mismatch draws and LoRA dropout
 * @param clipNorm             global gradient-norm clipping threshold (0: off)
 * @param trainable            which parameters train, by HF name ({@code null}: the method's choice, else all)
 * @param lora                 train LoRA adapters (merged at the end) instead of the selected weights, or {@code null}
 * @param checkpointEvery      write a resumable snapshot every N steps (0: never)
 * @param refusals             where refusals come from for forget examples without one (methods with refusal rows)
 */
public record UnlearningConfig(UnlearningMethod method, Optimizer optimizer, LrSchedule schedule, int steps, double epochs,
                               int gradientAccumulation, int forgetBatch, int retainBatch, int maxLength, long seed,
                               double clipNorm, Predicate<String> trainable, LoraConfig lora, int checkpointEvery,
                               Refusals refusals) {
    public UnlearningConfig {
        Objects.requireNonNull(method, "no unlearning method set");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(refusals, "refusals");
        atLeast("steps", steps, 1);
        if (!(epochs >= 0 && Double.isFinite(epochs))) {
            throw new IllegalArgumentException("epochs must be a finite number >= 0 (0: use steps), got " + epochs);
        }
        atLeast("gradient accumulation", gradientAccumulation, 1);
        atLeast("forget batch", forgetBatch, 1);
        atLeast("retain batch", retainBatch, 0);
        if (method.rowGroups().contains(RowGroup.RETAIN)) {
            atLeast("retain batch (method '" + method.name() + "' reads retain rows)", retainBatch, 1);
        }
        atLeast("max length", maxLength, 2);
        atLeast("checkpoint interval", checkpointEvery, 0);
        if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) {
            throw new IllegalArgumentException("clip norm must be a finite number >= 0 (0: off), got " + clipNorm);
        }
        if ((method.rowGroups().contains(RowGroup.RANDOM_HARMFUL) || method.rowGroups().contains(RowGroup.RANDOM_BENIGN))
                && method.mismatchesPerForgetRow() < 1) {
            throw new IllegalArgumentException("method '" + method.name() + "' reads random-mismatch rows but asks for "
                    + method.mismatchesPerForgetRow() + " per forget row");
        }
        method.parameters(); // a method whose parameters cannot be recorded fails here, not after training
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    /** Optimizer steps for a forget set of {@code forgetExamples}. */
    public int totalSteps(int forgetExamples) {
        return epochs > 0 ? (int) Math.ceil(epochs * forgetExamples / ((double) forgetBatch * gradientAccumulation)) : steps;
    }

    /** The batch layout the method's loss needs. */
    public BatchLayout layout() {
        return BatchLayout.forMethod(method, forgetBatch, retainBatch);
    }
}
