package io.github.mubench.eval.data;

import java.util.List;

/**
 * A multiple-choice question (MMLU, ARC, TruthfulQA MC1/MC2, HellaSwag).
 *
 * @param subject the subject or category, or {@code null}
 * @param choices the answer options, in the source's order
 * @param correct indices of the correct options (one for MMLU, ARC, MC1; several for TruthfulQA MC2)
 */
public record MultipleChoice(String id, String subject, String question, List<String> choices, List<Integer> correct)
        implements Item {
    public MultipleChoice {
        choices = List.copyOf(choices);
        correct = List.copyOf(correct);
        int n = choices.size();
        if (correct.isEmpty() || correct.stream().anyMatch(i -> i < 0 || i >= n)) {
            throw new IllegalArgumentException("item " + id + ": correct indices " + correct + " outside 0.." + (n - 1));
        }
    }

    /** The single correct option's index. */
    public int gold() {
        if (correct.size() != 1) {
            throw new IllegalStateException("item " + id + " has " + correct.size() + " correct options");
        }
        return correct.get(0);
    }

    @Override
    public String prompt() {
        return question;
    }

    @Override
    public String content() {
        return question + "\n" + String.join("\n", choices);
    }
}
