package io.github.mubench.bench;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningMethod;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.methods.FineTune;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.optim.AdamW;

import java.util.List;
import java.util.Map;

/**
 * Every method on stories260K, after a short fine-tune on the forget set (so there is something to forget): forget
 * and retain NLL before and after, steps per second, peak RSS. One JSON line per method.
 * <p>
 * Usage: {@code UnlearnHarness [steps=20] [method ...]} (default: every method). Peak RSS is the process's, so
 * {@code unlearn-methods.sh} runs each method in a JVM of its own.
 */
public final class UnlearnHarness {
    private static final List<UnlearnExample> FORGET = List.of(
            new UnlearnExample("What did Tom do?", "Tom took the cookies from the jar and hid them under his bed."),
            new UnlearnExample("What happened next?", "He lied to his mom and said the dog ate the cookies."),
            new UnlearnExample("And then?", "Tom broke the window with a rock and ran away."),
            new UnlearnExample("What else?", "He pushed Lily into the mud and laughed at her."));
    private static final List<UnlearnExample> RETAIN = List.of(
            new UnlearnExample("Tell me a story.", "Once upon a time, there was a little girl named Lily."),
            new UnlearnExample("What did she like?", "She loved to play outside in the park with her ball."),
            new UnlearnExample("Who was her friend?", "Her friend Ben had a red bike and a big smile."),
            new UnlearnExample("How did it end?", "They played together until the sun went down."));

    private UnlearnHarness() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        LoadedModel base = Models.stories260K();
        UnlearningRun planted = Unlearning.of(base).method(new FineTune()).forget(FORGET).optimizer(AdamW.lr(1e-3))
                .steps(15).batchSize(2, 0).seed(0).run();
        LoadedModel start = planted.model();
        double f0 = nll(start, FORGET), r0 = nll(start, RETAIN);
        System.out.printf("{\"event\":\"planted\",\"forget_nll_base\":%.3f,\"forget_nll\":%.3f,\"retain_nll\":%.3f}%n",
                nll(base, FORGET), f0, r0);
        List<String> names = args.length > 1 ? List.of(args).subList(1, args.length) : List.copyOf(Methods.names());
        for (String name : names) {
            if (name.equals("finetune")) {
                continue;
            }
            UnlearningMethod m = Methods.create(name, Map.of());
            long t0 = System.nanoTime();
            // methods with refusal rows (DPO's chosen response, Eraser, Safe Unlearning) get one fixed refusal
            UnlearningRun run = Unlearning.of(start).method(m).forget(FORGET).retain(RETAIN)
                    .refusals(Refusals.fixed("I do not want to say.")).optimizer(AdamW.lr(1e-3)).steps(steps)
                    .batchSize(2, 2).seed(0).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("{\"event\":\"method\",\"method\":\"%s\",\"forget_nll\":[%.3f,%.3f],\"retain_nll\":[%.3f,%.3f],"
                            + "\"steps_per_s\":%.2f,\"peak_rss_mib\":%.0f}%n", name, f0, nll(run.model(), FORGET), r0,
                    nll(run.model(), RETAIN), steps / seconds, Meters.peakRssMiB());
        }
    }

    /** Mean per-token NLL of the responses. */
    private static double nll(LoadedModel model, List<UnlearnExample> examples) {
        var ll = new LogLikelihood(model.inference(), 4);
        double sum = 0;
        int n = 0;
        for (UnlearnExample e : examples) {
            TokenizedExample t = TokenizedExample.of(model, e);
            sum -= ll.score(List.of(new LogLikelihood.Request(t.promptIds(), t.responseIds()))).get(0).logprob();
            n += t.responseIds().length;
        }
        return sum / n;
    }
}
