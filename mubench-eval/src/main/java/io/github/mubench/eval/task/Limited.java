package io.github.mubench.eval.task;

import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.stats.Estimate;

import java.util.List;
import java.util.Map;

/**
 * A task with an item limit of its own (a suite's {@code limit=N}): the smaller of it and the evaluation's limit
 * applies; everything else is the task's.
 *
 * @param task  the task
 * @param limit its own limit
 */
public record Limited(Task task, int limit) implements Task {
    public Limited {
        if (limit < 1) {
            throw new IllegalArgumentException("a task's limit must be >= 1, got " + limit);
        }
    }

    @Override
    public String name() {
        return task.name();
    }

    @Override
    public int version() {
        return task.version();
    }

    @Override
    public Record settings() {
        return task.settings();
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        return task.docs(new TaskContext(Math.min(limit, context.limit()), context.seed(), context.attacks()));
    }

    @Override
    public List<io.github.mubench.eval.data.Item> items(TaskContext context) {
        return task.items(new TaskContext(Math.min(limit, context.limit()), context.seed(), context.attacks()));
    }

    @Override
    public List<Request> requests(Doc doc) {
        return task.requests(doc);
    }

    @Override
    public Judge.Case judgeCase(Doc doc, List<Response> responses, TaskContext context) {
        return task.judgeCase(doc, responses, context);
    }

    @Override
    public Judge.Use judgeUse() {
        return task.judgeUse();
    }

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        return task.score(doc, responses, verdicts, judges);
    }

    @Override
    public Map<String, Estimate> metrics(List<Sample> samples, long seed) {
        return task.metrics(samples, seed);
    }
}
