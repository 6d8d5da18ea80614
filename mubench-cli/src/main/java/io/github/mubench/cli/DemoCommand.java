package io.github.mubench.cli;

import io.github.mubench.experiment.demo.Demo;
import io.github.mubench.experiment.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mubench demo}: the miniature MUBENCH experiment on the bundled model, offline. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The MUBENCH experiment in miniature on the bundled stories260K: plant an unaligned assistant, unlearn it with "
                + "seven methods, evaluate safety, over-safety and utility, and report the trilemma (offline, minutes on 2 cores).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE}); a second run reuses it")
    Path out = Path.of("mubench-demo");

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Report report;
        try (ExperimentOutput o = new ExperimentOutput()) {
            o.log("mubench demo: stories260K (a 260K-parameter story model) stands in for a chat model. Its harmful behaviour is PLANTED by "
                    + "fine-tuning (it learns to answer harmful requests with AdvBench's \"Sure, here is ...\" targets); seven unlearning "
                    + "methods then try to remove it. Output: " + out.toAbsolutePath());
            report = Demo.run(out, o::log, o.bars, o.steps(Demo.PLANTING_STEPS));
        }
        System.out.println();
        System.out.println(report.terminalTable());
        System.out.println("Lines: attack success of held-out AdvBench requests per attack (phrase judge: the planted \"Sure, here ...\"), "
                + "XSTest refusal of safe prompts (keyword judge), perplexity of held-out stories, choice of a story's next sentence "
                + "(acc), then the three axes. Columns: the planted assistant (base) and each method. (+x*): difference from the "
                + "assistant, * = significant in a paired test; P: Pareto-optimal.");
        System.out.println();
        System.out.println("report: " + out.resolve(Report.HTML).toAbsolutePath() + " (and " + Report.MARKDOWN + ", " + Report.JSON_FILE + ")");
        System.out.println("The same experiment on a real chat model: write an experiment file (see README, 'Experiments') and run "
                + "`mubench run EXPERIMENT.yaml --out DIR`, e.g. with models: [{path: /models/Qwen2.5-0.5B-Instruct}].");
        System.err.printf("demo finished in %.0f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
