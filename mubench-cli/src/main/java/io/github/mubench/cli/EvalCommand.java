package io.github.mubench.cli;

import io.github.mubench.eval.run.Evaluation;
import io.github.mubench.eval.run.EvaluationResult;
import io.github.mubench.eval.run.TaskResult;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.suite.Tasks;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.param.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code mubench eval}: a model on tasks or a suite, stored as it goes, resumable; results.json and samples.jsonl. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on tasks (safety, over-safety, utility); resumes from its results store.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--task", paramLabel = "NAME[:k=v,...]", description = "a task (repeatable; --list shows them)")
    List<String> tasks = List.of();

    @Option(names = "--suite", paramLabel = "NAME|FILE", description = "mubench-quick, mubench-full, or a file of task specs")
    String suite;

    @Option(names = "--list", description = "list the tasks with their settings, and the judges, and exit")
    boolean list;

    @Option(names = "--out", paramLabel = "DIR", description = "results.json, samples.jsonl and the results store (results.sqlite)")
    Path out;

    @Option(names = "--store", paramLabel = "FILE", description = "another results store (e.g. one shared by several runs)")
    Path store;

    @Option(names = "--limit", description = "at most N items per task (default: all; first N, or stratified where the task says)")
    Integer limit;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--batch-size", description = "requests per model batch (default: ${DEFAULT-VALUE})")
    int batchSize = 8;

    @Option(names = "--attacker", paramLabel = "PATH|URL", description = "attacker/translator model of model-driven attacks: a path,"
            + " or an OpenAI-compatible endpoint http://HOST:PORT/v1[#MODEL] (key: OPENAI_API_KEY); default: --model")
    String attacker;

    @Mixin
    JudgeOptions judges;

    @Option(names = "--json", description = "print results.json to stdout")
    boolean json;

    @Override
    public Integer call() {
        if (list) {
            for (Tasks.Entry e : Tasks.entries()) {
                System.out.printf("%-16s %-12s %s%n%s", e.name(), e.use(), e.description(), Params.listing(Parameters.of(e.settings())));
            }
            System.out.println();
            for (var j : io.github.mubench.eval.judge.Judges.entries()) {
                System.out.printf("judge %-16s %s%s%n%s", j.name(), j.description(), j.needsModel() ? " [--judge " + j.name() + "=MODEL_PATH]" : "",
                        Params.listing(Parameters.of(j.settings())));
            }
            return 0;
        }
        if (out == null || (tasks.isEmpty() == (suite == null))) {
            throw new IllegalArgumentException("give --out and either --task (repeatable) or --suite (or --list)");
        }
        List<Task> selected = new ArrayList<>();
        tasks.forEach(t -> selected.add(Tasks.parse(t)));
        if (suite != null) {
            selected.addAll(Tasks.suite(suite));
        }
        var judgeList = judges.create();
        Evaluation e = Evaluation.of(model.load()).tasks(selected).judges(judgeList).seed(seed).batchSize(batchSize).outputDir(out)
                .modelName(model.model == null ? "bundled:stories260K" : model.model.toString());
        if (limit != null) {
            e.limit(limit);
        }
        if (store != null) {
            e.store(store);
        }
        if (attacker != null && OpenAiClient.isEndpoint(attacker)) {
            e.attacker(OpenAiClient.of(attacker));
        } else if (attacker != null) {
            e.attacker(Models.load(Path.of(attacker)));
        }
        EvaluationResult r;
        try (ProgressBars bars = new ProgressBars()) {
            r = e.progress(bars).run();
        }
        if (json) {
            System.out.println(Json.write(r.toJson()));
        } else {
            print(r);
        }
        System.err.printf("evaluated %d task(s) in %.1f s; wrote %s%n", r.tasks().size(), r.seconds(), out);
        return 0;
    }

    /** The headline metrics (no per-group breakdown) with interval and n. */
    private static void print(EvaluationResult r) {
        System.out.printf("%-16s %-36s %10s  %-22s %6s%n", "task", "metric", "value", "95% interval", "n");
        for (TaskResult t : r.tasks()) {
            t.metrics().forEach((name, est) -> {
                if (!name.contains("[")) {
                    System.out.printf(Locale.ROOT, "%-16s %-36s %10.4f  %-22s %6d%n", t.task(), name, est.value(), interval(est), est.n());
                }
            });
        }
    }

    private static String interval(Estimate e) {
        return e.method().equals("none") ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]", e.lower(), e.upper());
    }
}
