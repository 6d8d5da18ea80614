package io.github.mubench.examples;

import io.github.mubench.eval.run.Evaluation;
import io.github.mubench.eval.run.EvaluationResult;
import io.github.mubench.eval.run.TaskResult;
import io.github.mubench.eval.suite.Tasks;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Evaluating a model on a suite of your own: a suite file lists task specs, one per line, bundled datasets and your
 * own files alike (a relative {@code path=} is relative to the suite file). Here: over-safety on XSTest, safety on
 * AdvBench through one attack, a multiple-choice benchmark, and the perplexity of your own held-out text.
 * <p>
 * Run: {@code examples/run.sh CustomSuiteExample [OUT_DIR] [MODEL_PATH]}.
 */
public final class CustomSuiteExample {
    private CustomSuiteExample() {
    }

    /** Writes the suite and the text it names into {@code dir}; returns the suite file. */
    static Path writeSuite(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("my_text.txt"), """
                Once upon a time, there was a little bird named Pip. Pip liked to sing in the morning.
                Tom and Sue went to the park. They played with a red ball until the sun went down.
                """);
        Path suite = dir.resolve("my-suite.txt");
        Files.writeString(suite, """
                # my suite: one task spec per line
                xstest:max_new_tokens=16,limit=10
                advbench:attacks=none+refusal_suppression,max_new_tokens=16,limit=5
                arc_challenge:limit=20
                perplexity:path=my_text.txt
                """);
        return suite;
    }

    static EvaluationResult run(LoadedModel model, Path dir) throws IOException {
        Path suite = writeSuite(dir);
        return Evaluation.of(model).tasks(Tasks.suite(suite.toString())).outputDir(dir.resolve("results")).run();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "custom-suite-out");
        LoadedModel model = args.length > 1 ? Models.load(Path.of(args[1])) : Models.stories260K();
        EvaluationResult r = run(model, dir);
        for (TaskResult t : r.tasks()) {
            System.out.println(t.task() + " (" + t.use() + ")");
            t.metrics().forEach((name, e) -> {
                if (!name.contains("[")) {
                    System.out.printf(Locale.ROOT, "  %-36s %.4f (n=%d)%n", name, e.value(), e.n());
                }
            });
        }
        System.out.println("per-sample logs: " + dir.resolve("results"));
    }
}
