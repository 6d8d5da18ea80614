package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LoraConfig;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.optim.AdamW;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Optimizer;
import io.github.mubench.unlearn.optim.Sgd;

import java.util.Arrays;
import java.util.List;

/**
 * The trainer's settings as one declared record, for callers that take them as text (experiment files, sweeps):
 * names, types, defaults and docs come from the declarations, {@link Parameters#create} checks them, and
 * {@link #applyTo} sets them on an {@link Unlearning}.
 */
public record TrainingSettings(
        @Param(value = "adamw", doc = "optimizer: adamw or sgd") OptimizerKind optimizer,
        @Param(value = "1e-5", doc = "learning rate") double lr,
        @Param(value = "0.01", doc = "AdamW decoupled weight decay") double weightDecay,
        @Param(value = "constant", doc = "learning-rate schedule: constant, linear or cosine") LrSchedule.Kind schedule,
        @Param(value = "0", doc = "warm-up steps") int warmupSteps,
        @Param(value = "10", doc = "optimizer steps") int steps,
        @Param(value = "0", doc = "passes over the forget set instead of steps (0: off)") double epochs,
        @Param(value = "1", doc = "micro-batches per optimizer step") int gradAccum,
        @Param(value = "2", doc = "forget rows per micro-batch") int forgetBatch,
        @Param(value = "2", doc = "retain rows per micro-batch") int retainBatch,
        @Param(value = "256", doc = "most tokens of an example") int maxLength,
        @Param(value = "1.0", doc = "global gradient-norm clip (0: off)") double clipNorm,
        @Param(value = "0", doc = "LoRA rank (0: train the full weights)") int loraRank,
        @Param(value = "16", doc = "LoRA alpha") double loraAlpha,
        @Param(value = "0", doc = "LoRA dropout probability") double loraDropout,
        @Param(value = "q_proj,v_proj", doc = "projections LoRA adapts, joined by ','") String loraTargets) {

    /** The optimizers. */
    public enum OptimizerKind { ADAMW, SGD }

    public TrainingSettings {
        Parameters.positive("lr", lr);
        Parameters.nonNegative("weight_decay", weightDecay);
        Parameters.atLeast("warmup_steps", warmupSteps, 0);
        Parameters.atLeast("steps", steps, 1);
        Parameters.nonNegative("epochs", epochs);
        Parameters.atLeast("grad_accum", gradAccum, 1);
        Parameters.atLeast("forget_batch", forgetBatch, 1);
        Parameters.atLeast("retain_batch", retainBatch, 0);
        Parameters.atLeast("max_length", maxLength, 2);
        Parameters.nonNegative("clip_norm", clipNorm);
        Parameters.atLeast("lora_rank", loraRank, 0);
        Parameters.positive("lora_alpha", loraAlpha); // checked with LoRA off too: a NaN given is a mistake either way
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
    }

    /** The optimizer these settings describe. */
    public Optimizer newOptimizer() {
        return optimizer == OptimizerKind.ADAMW ? AdamW.lr(lr).withWeightDecay(weightDecay) : new Sgd(lr);
    }

    /** Sets everything on {@code u}; LoRA adapters are seeded with {@code seed}. */
    public Unlearning applyTo(Unlearning u, long seed) {
        u.optimizer(newOptimizer()).schedule(new LrSchedule(schedule, warmupSteps)).steps(steps).epochs(epochs)
                .gradientAccumulation(gradAccum).batchSize(forgetBatch, retainBatch).maxLength(maxLength).clipNorm(clipNorm);
        if (loraRank > 0) {
            List<String> targets = Arrays.stream(loraTargets.split(",")).map(String::strip).toList();
            u.lora(new LoraConfig(loraRank, loraAlpha, targets, seed, loraDropout));
        }
        return u;
    }
}
