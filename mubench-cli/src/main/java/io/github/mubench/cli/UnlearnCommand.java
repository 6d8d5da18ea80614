package io.github.mubench.cli;

import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.UnlearnJsonl;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.optim.AdamW;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mubench unlearn}: run an unlearning method and write the unlearned model. */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
        description = "Unlearn a forget set (JSONL {prompt, response}) and write the model as an HF folder.")
final class UnlearnCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--method", required = true, description = "one of: ga, graddiff, ga_kl, npo, npo_rt, npo_kl, simnpo, "
            + "sku, eraser, llmu, safe_unlearning, dpo, task_vector, rmu, finetune")
    String method;

    @Option(names = "--param", paramLabel = "K=V", description = "method parameter (repeatable), e.g. beta=0.1")
    List<String> params = List.of();

    @Option(names = "--forget", paramLabel = "FILE.jsonl", description = "forget set, {prompt, response[, refusal]} per line")
    Path forget;

    @Option(names = "--preferences", paramLabel = "FILE.jsonl",
            description = "instead of --forget: {prompt, chosen, rejected} per line (rejected is forgotten, chosen is the refusal)")
    Path preferences;

    @Option(names = "--refusal-text", paramLabel = "TEXT",
            description = "refusal for forget examples without one (eraser, safe_unlearning, dpo); default: the original model's own reply")
    String refusalText;

    @Option(names = "--refusal-tokens", description = "length of the original model's reply used as refusal (default: ${DEFAULT-VALUE})")
    int refusalTokens = 64;

    @Option(names = "--retain", paramLabel = "FILE.jsonl")
    Path retain;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--optimizer", description = "adamw or sgd (default: ${DEFAULT-VALUE})")
    String optimizer = "adamw";

    @Option(names = "--lr", description = "default: ${DEFAULT-VALUE}")
    double lr = 1e-5;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = 0.01;

    @Option(names = "--schedule", description = "constant, linear or cosine (default: ${DEFAULT-VALUE})")
    String schedule = "constant";

    @Option(names = "--warmup-steps", description = "default: ${DEFAULT-VALUE}")
    int warmup = 0;

    @Option(names = "--steps", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = 10;

    @Option(names = "--epochs", description = "passes over the forget set instead of --steps (default: off)")
    double epochs = 0;

    @Option(names = "--grad-accum", paramLabel = "N", description = "micro-batches per optimizer step (default: ${DEFAULT-VALUE})")
    int accumulation = 1;

    @Option(names = "--forget-batch", description = "default: ${DEFAULT-VALUE}")
    int forgetBatch = 2;

    @Option(names = "--retain-batch", description = "default: ${DEFAULT-VALUE}")
    int retainBatch = 2;

    @Option(names = "--max-length", description = "tokens per example (default: ${DEFAULT-VALUE})")
    int maxLength = 256;

    @Option(names = "--clip-norm", description = "global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE})")
    double clipNorm = 1.0;

    @Option(names = "--trainable", paramLabel = "REGEX", description = "train only parameters whose HF name matches")
    String trainable;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--lora-rank", description = "train LoRA adapters of this rank (merged on save) instead of full weights")
    int loraRank = 0;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    double loraAlpha = 16;

    @Option(names = "--lora-dropout", description = "LoRA dropout probability (default: ${DEFAULT-VALUE})")
    double loraDropout = 0;

    @Option(names = "--lora-targets", split = ",", description = "projections to adapt (default: q_proj,v_proj)")
    List<String> loraTargets = List.of("q_proj", "v_proj");

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "snapshot to DIR/checkpoint every N steps (0 = never)")
    int checkpointEvery = 0;

    @Option(names = "--resume", description = "continue from DIR/checkpoint when present (same options as the first run)")
    boolean resume;

    @Override
    public Integer call() {
        Map<String, Double> p = Params.numbers(params);
        var loaded = model.load();
        var m = Methods.create(method, p, loaded.checkpoint().config());
        var opt = switch (optimizer) {
            case "adamw" -> AdamW.lr(lr).withWeightDecay(weightDecay);
            case "sgd" -> new Sgd(lr);
            default -> throw new IllegalArgumentException("--optimizer '" + optimizer + "': expected adamw or sgd");
        };
        LrSchedule.Kind kind;
        try {
            kind = LrSchedule.Kind.valueOf(schedule.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule '" + schedule + "': expected constant, linear or cosine");
        }
        if ((forget == null) == (preferences == null)) {
            throw new IllegalArgumentException("give --forget (or --preferences for dpo), one of them");
        }
        var run = Unlearning.of(loaded).method(m)
                .forget(preferences != null ? UnlearnJsonl.readPreferences(preferences) : UnlearnJsonl.read(forget))
                .retain(retain == null ? List.of() : UnlearnJsonl.read(retain))
                .refusals(refusalText != null ? Refusals.fixed(refusalText) : Refusals.generated(refusalTokens))
                .optimizer(opt).schedule(new LrSchedule(kind, warmup)).steps(steps).epochs(epochs)
                .gradientAccumulation(accumulation).batchSize(forgetBatch, retainBatch)
                .maxLength(maxLength).clipNorm(clipNorm).seed(seed).outputDir(out).checkpointEvery(checkpointEvery)
                .resume(resume).onStep(s -> System.err.printf("step %d  loss %.4f  forget NLL %.4f  retain NLL %.4f  %s  %.2f s%n",
                        s.step() + 1, s.loss(), s.forgetNll(), s.retainNll(), s.terms(), s.seconds()));
        if (loraRank > 0) {
            run.lora(new io.github.mubench.tensor.graph.LoraConfig(loraRank, loraAlpha, loraTargets, seed, loraDropout));
        }
        if (trainable != null) {
            var pattern = java.util.regex.Pattern.compile(trainable);
            run.trainable(n -> pattern.matcher(n).matches());
        }
        UnlearningRun result = run.run();
        var last = result.metrics().get(result.metrics().size() - 1);
        System.err.printf("unlearned with %s in %d steps: loss %.4f, forget NLL %.4f -> %.4f; wrote %s%n", m.name(),
                result.metrics().size(), last.loss(), result.metrics().get(0).forgetNll(), last.forgetNll(), out);
        return 0;
    }
}
