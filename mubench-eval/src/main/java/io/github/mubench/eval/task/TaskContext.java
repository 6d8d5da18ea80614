package io.github.mubench.eval.task;

import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.data.HarmfulPrompt;

/**
 * What a task may use besides its settings: the evaluation's limit and seed, and the evaluation's (cached) attacks
 * and answer decoding.
 *
 * @param limit   at most this many items per task (the first ones, or stratified where the task says)
 * @param seed    seeds subsampling, attacks and bootstrap intervals
 * @param attacks wraps an item in an attack (results are stored, so an attack runs once per item and setting)
 */
public record TaskContext(int limit, long seed, Attacks attacks) {
    /** The first {@link #limit} items, in the dataset's order. */
    public <T> java.util.List<T> first(java.util.List<T> items) {
        return items.subList(0, Math.min(limit, items.size()));
    }

    /** The first {@link #limit} items as docs. */
    public java.util.List<Doc> firstDocs(java.util.List<? extends io.github.mubench.eval.data.Item> items) {
        return first(items).stream().map(Doc::of).toList();
    }

    /** The evaluation's attacks. */
    public interface Attacks {
        /**
         * @param attack the attack's name
         * @param preset a preset to apply where the attack has it (e.g. {@code cpu}), or {@code null}
         */
        AttackedPrompt attack(String attack, String preset, HarmfulPrompt item);

        /** A model's answer as the judge should read it (decoded from the attack's encoding or language). */
        String decode(AttackedPrompt prompt, String response);
    }
}
