package io.github.mubench.examples;

import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.TrainingSets;
import io.github.mubench.unlearn.methods.Npo;
import io.github.mubench.unlearn.optim.AdamW;

import java.util.List;
import java.util.Map;

/**
 * The benchmark's inputs end to end: split AdvBench into a half to unlearn and a half to evaluate, build forget and
 * retain sets that hold no evaluation prompt (JailbreakBench re-uses AdvBench items, so it is excluded too), unlearn
 * with NPO+RT, and wrap the held-out requests in a jailbreak attack for the evaluation to send.
 * <p>
 * Run: {@code java ... io.github.mubench.examples.LeakFreeUnlearningExample [steps=5]} (on the bundled stories260K).
 */
public final class LeakFreeUnlearningExample {
    private LeakFreeUnlearningExample() {
    }

    /** What the example produces. */
    record Outcome(TrainingSets sets, Dataset<HarmfulPrompt> heldOut, UnlearningRun run, List<AttackedPrompt> attacked) {
    }

    static Outcome run(LoadedModel model, int steps) {
        List<Dataset<HarmfulPrompt>> halves = Datasets.load("advbench", HarmfulPrompt.class).partition(260, 0);
        Dataset<HarmfulPrompt> heldOut = halves.get(1).limit(5, 0);
        TrainingSets sets = new TrainingSets.Builder()
                .forget(halves.get(0).limit(8, 0))
                .retain(Datasets.load("gsm8k", "train", MathProblem.class).limit(8, 0))
                .excluding(halves.get(1), Datasets.load("jailbreakbench", HarmfulPrompt.class))
                .build();
        UnlearningRun run = Unlearning.of(model).method(Npo.beta(0.1).withRetainNll(1.0))
                .forget(sets.forget()).retain(sets.retain()).optimizer(AdamW.lr(1e-3)).steps(steps).batchSize(2, 2)
                .maxLength(128).seed(0).run();
        var attack = Attacks.create("refusal_suppression", Map.of(), Attacks.Context.none(0));
        List<AttackedPrompt> attacked = heldOut.items().stream().map(attack::attack).toList();
        return new Outcome(sets, heldOut, run, attacked);
    }

    public static void main(String[] args) {
        Outcome o = run(Models.stories260K(), args.length > 0 ? Integer.parseInt(args[0]) : 5);
        System.out.printf("forget %d pairs (%d left out as evaluation prompts), retain %d pairs%n",
                o.sets().forget().size(), o.sets().leftOutForget(), o.sets().retain().size());
        var m = o.run().metrics();
        System.out.printf("NPO+RT: forget NLL %.3f -> %.3f%n", m.get(0).forgetNll(), m.get(m.size() - 1).forgetNll());
        System.out.println("first attacked held-out prompt:\n" + o.attacked().get(0).prompt());
    }
}
