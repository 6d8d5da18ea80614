package io.github.mubench.eval.data;

/**
 * A prompt for measuring over-refusal (XSTest and the like): safe prompts that sound unsafe, and unsafe contrasts.
 *
 * @param type  the source's prompt type (XSTest: homonyms, figurative_language, ...)
 * @param safe  whether answering is fine (XSTest label "safe")
 * @param focus the word or topic that makes it sound unsafe, or {@code null}
 */
public record OverSafetyPrompt(String id, String prompt, String type, boolean safe, String focus) implements Item {
}
