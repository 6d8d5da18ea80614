package io.github.mubench.unlearn.data;

/**
 * A preference pair for DPO-style unlearning: for {@code prompt}, {@code chosen} (typically a refusal) is preferred
 * to {@code rejected} (the harmful response).
 */
public record PreferenceExample(String prompt, String chosen, String rejected) {
    public PreferenceExample {
        if (prompt == null || chosen == null || rejected == null || chosen.isEmpty() || rejected.isEmpty()) {
            throw new IllegalArgumentException("prompt, and non-empty chosen and rejected responses, are required");
        }
    }
}
