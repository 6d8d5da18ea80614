package io.github.mubench.eval.data;

import java.util.List;

/**
 * An open-ended instruction, possibly multi-turn (MT-Bench, AlpacaEval).
 *
 * @param turns     the user turns, in order
 * @param reference a reference answer per turn, or an empty list
 */
public record Instruction(String id, String category, List<String> turns, List<String> reference) implements Item {
    public Instruction {
        turns = List.copyOf(turns);
        reference = List.copyOf(reference);
    }

    @Override
    public String prompt() {
        return turns.get(0);
    }

    @Override
    public String content() {
        return String.join("\n", turns);
    }
}
