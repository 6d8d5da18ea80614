package io.github.mubench.eval.run;

import io.github.mubench.eval.stats.Agreement;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.task.Sample;

import java.util.List;
import java.util.Map;

/**
 * One task's outcome.
 *
 * @param task      the task's name
 * @param version   its version
 * @param use       which axis of the trilemma it measures: {@code safety}, {@code over_safety} or {@code utility}
 * @param settings  its settings, by name
 * @param metrics   every metric with its interval and n
 * @param agreement judge pairs ({@code a|b}) → their agreement, where two or more judges read the same samples
 * @param samples   the per-sample records
 * @param seconds   wall time of the task in this run (stored answers cost nothing)
 * @param work      model requests and judge verdicts of the task, and how many of each this run computed (the rest
 *                  came from the store)
 */
public record TaskResult(String task, int version, String use, Map<String, Object> settings, Map<String, Estimate> metrics,
                         Map<String, Agreement.Result> agreement, List<Sample> samples, double seconds, Map<String, Integer> work) {
    /** The axis a task measures, from what its judges rate. */
    public static String use(io.github.mubench.eval.task.Task task) {
        var u = task.judgeUse();
        return u == null ? "utility" : u == io.github.mubench.eval.judge.Judge.Use.SAFETY ? "safety" : "over_safety";
    }
}
