package io.github.mubench.cli;

import io.github.mubench.unlearn.StepMetrics;
import io.github.mubench.unlearn.TrainingSettings;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.UnlearnJsonl;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.optim.LrSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code mubench unlearn}: run an unlearning method and write the model as an HF folder. */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
        description = "Unlearn a forget set (JSONL {prompt, response}) and write the model as an HF folder.")
final class UnlearnCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--method", completionCandidates = MethodNames.class,
            description = "one of: ${COMPLETION-CANDIDATES} (--list shows their parameters)")
    String method;

    @Option(names = "--list", description = "list the methods with their parameters and exit")
    boolean list;

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

    @Option(names = "--out", paramLabel = "DIR", description = "a new folder (or, with --resume, the folder of the run to continue)")
    Path out;

    @Option(names = "--optimizer", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    TrainingSettings.OptimizerKind optimizer = TrainingSettings.OptimizerKind.ADAMW;

    @Option(names = "--lr", description = "default: ${DEFAULT-VALUE}")
    double lr = 1e-5;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = 0.01;

    @Option(names = "--schedule", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    LrSchedule.Kind schedule = LrSchedule.Kind.CONSTANT;

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

    @Option(names = "--lora-rank", description = "train LoRA adapters of this rank (merged on save) instead of full weights (0: off)")
    int loraRank = 0;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
    double loraAlpha = 16;

    @Option(names = "--lora-dropout", description = "LoRA dropout probability (default: ${DEFAULT-VALUE})")
    double loraDropout = 0;

    @Option(names = "--lora-targets", split = ",", description = "projections to adapt (default: q_proj,v_proj)")
    List<String> loraTargets = List.of("q_proj", "v_proj");

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "snapshot to DIR/checkpoint every N steps (0 = never)")
    int checkpointEvery = 0;

    @Option(names = "--resume", description = "continue the run in --out from its last snapshot (same options as the first run)")
    boolean resume;

    @Override
    public Integer call() {
        if (list) {
            for (Methods.Entry e : Methods.entries()) {
                System.out.printf("%-16s %s%n%s", e.name(), e.summary(), Params.listing(e.parameters()));
            }
            return 0;
        }
        if (method == null || out == null) {
            throw new IllegalArgumentException("give --method and --out (or --list)");
        }
        if ((forget == null) == (preferences == null)) {
            throw new IllegalArgumentException("give --forget (or --preferences for dpo), one of them");
        }
        // one record checks every training number (finite, in range) before anything is read or written
        TrainingSettings training = new TrainingSettings(optimizer, lr, weightDecay, schedule, warmup, steps, epochs, accumulation,
                forgetBatch, retainBatch, maxLength, clipNorm, loraRank, loraAlpha, loraDropout, String.join(",", loraTargets));
        var m = Methods.create(method, Params.parse(params));
        var forgetSet = preferences != null ? UnlearnJsonl.readPreferences(preferences) : UnlearnJsonl.read(forget);
        var retainSet = retain == null ? List.<io.github.mubench.unlearn.data.UnlearnExample>of() : UnlearnJsonl.read(retain);
        var run = Unlearning.of(model.load()).method(m).forget(forgetSet).retain(retainSet)
                .refusals(refusalText != null ? Refusals.fixed(refusalText) : Refusals.generated(refusalTokens))
                .seed(seed).outputDir(out).checkpointEvery(checkpointEvery)
                .resume(resume).onStep(UnlearnCommand::progress);
        training.applyTo(run, seed);
        if (trainable != null) {
            Pattern pattern = Pattern.compile(trainable);
            run.trainable(n -> pattern.matcher(n).matches());
        }
        UnlearningRun result = run.run();
        var last = result.metrics().get(result.metrics().size() - 1);
        System.err.printf("unlearned with %s in %d steps: loss %.4f, forget NLL %.4f -> %.4f; wrote %s%n", m.name(),
                result.metrics().size(), last.loss(), result.metrics().get(0).forgetNll(), last.forgetNll(), out);
        return 0;
    }

    private static void progress(StepMetrics s) {
        System.err.printf("step %d  loss %.4f  forget NLL %.4f  retain NLL %s  %s  %.2f s%n", s.step(), s.loss(), s.forgetNll(),
                Double.isNaN(s.retainNll()) ? "-" : String.format("%.4f", s.retainNll()), s.terms(), s.seconds());
    }

    /** The method names, for picocli's help and completion. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Methods.names().iterator();
        }
    }
}
