package io.github.mubench.eval.data;

/**
 * A harmful request (AdvBench, HarmBench, JailbreakBench, StrongREJECT, ...).
 *
 * @param prompt   the request as sent to the model (HarmBench's contextual behaviours carry their context first)
 * @param target   an affirmative opening ("Sure, here is ...") for GCG/AutoDAN-style attacks, or {@code null}
 * @param category the source's harm category, or {@code null}
 * @param source   where the item comes from within its dataset (e.g. JailbreakBench's "AdvBench"), or {@code null}
 */
public record HarmfulPrompt(String id, String prompt, String target, String category, String source) implements Item {
}
