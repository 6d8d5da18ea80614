package io.github.mubench.examples;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.eval.suite.Tasks;
import io.github.mubench.experiment.Experiment;
import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.experiment.report.Report;
import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.data.TrainingSets;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An NPO β sweep as an experiment: one model, NPO at three values of β (a list is a sweep), the same training
 * budget, evaluated on safety, over-safety and utility; the report plots each β (trilemma view, per-metric bars,
 * training curves) in {@code report.html}. Run it again and it recomputes nothing.
 * <p>
 * Run: {@code examples/run.sh BetaSweepExample [OUT_DIR]} (on the bundled stories260K, about a minute).
 */
public final class BetaSweepExample {
    private BetaSweepExample() {
    }

    static ExperimentResult run(Path out, int steps) {
        TrainingSets pairs = new TrainingSets.Builder()
                .forget(Datasets.load("advbench", HarmfulPrompt.class))
                .retain(Datasets.load("gsm8k", "train", MathProblem.class).limit(64, 0))
                .build();
        return Experiment.builder().name("NPO beta sweep")
                .model("stories260K", Models::stories260K)
                .forget(pairs.forget(), 16).retain(pairs.retain(), 16)
                .method("NPO", "npo", Map.of("beta", List.of(0.05, 0.1, 0.5)), Map.of("lr", "1e-3"))
                .training(Map.of("steps", steps, "forget_batch", 4, "retain_batch", 4, "max_length", 96))
                .tasks(List.of(Tasks.parse("advbench:attacks=none,max_new_tokens=16"), Tasks.parse("xstest:max_new_tokens=16"),
                        Tasks.parse("truthfulqa_mc1")))
                .limit(10)
                .outputDir(out)
                .log(System.err::println)
                .run();
    }

    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "beta-sweep-out");
        ExperimentResult r = run(out, 10);
        System.out.println(Report.of(r).terminalTable());
        System.out.println("plots: " + out.resolve(Report.HTML).toAbsolutePath());
    }
}
