package io.github.mubench.eval.task;

import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.stats.Estimate;

import java.util.List;
import java.util.Map;

/**
 * An evaluation task, as lm-evaluation-harness defines one: it turns dataset items into requests, turns the model's
 * responses (and, for safety tasks, judges' verdicts) into per-sample records, and reduces those to metrics. Its
 * prompt format is written down in its class; its version changes whenever requests or metrics would change.
 */
public interface Task {
    /** Name, as {@code --task} spells it. */
    String name();

    /** Bumped whenever the task's requests or metrics change: part of every stored sample's key. */
    int version();

    /** The task's settings (a record with {@code @Param} components): recorded, and part of every sample's key. */
    Record settings();

    /** The docs to evaluate: items (first {@code limit}, or stratified where the task says), attacked where it attacks. */
    List<Doc> docs(TaskContext context);

    /**
     * The items this task evaluates, before any attack: what training data must leave out (see the leak-free
     * forget/retain builder). By default the items of its docs.
     */
    default List<Item> items(TaskContext context) {
        return docs(context).stream().map(Doc::item).distinct().toList();
    }

    /** The requests of one doc. */
    List<Request> requests(Doc doc);

    /** What judges of {@link #judgeUse()} read of a doc, given its responses; {@code null} for unjudged tasks. */
    default Judge.Case judgeCase(Doc doc, List<Response> responses, TaskContext context) {
        return null;
    }

    /** Which judges read this task's docs, or {@code null} when none do. */
    default Judge.Use judgeUse() {
        return null;
    }

    /**
     * One doc's record.
     *
     * @param verdicts each judge's verdict by judge name (empty for unjudged tasks)
     */
    Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges);

    /** The task's metrics over all samples (default: {@link Metrics#aggregate}). */
    default Map<String, Estimate> metrics(List<Sample> samples, long seed) {
        return Metrics.aggregate(samples, seed);
    }
}
