package io.github.mubench.eval.task;

import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.data.Item;

/**
 * One unit a task evaluates: a dataset item, attacked when the task runs attacks.
 *
 * @param id       unique within the task ({@code itemId}, or {@code itemId/attack} for attacked items)
 * @param item     the dataset item
 * @param attacked the attacked prompt, or {@code null}
 */
public record Doc(String id, Item item, AttackedPrompt attacked) {
    /** An item as it is. */
    public static Doc of(Item item) {
        return new Doc(item.id(), item, null);
    }
}
