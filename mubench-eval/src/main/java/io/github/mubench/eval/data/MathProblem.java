package io.github.mubench.eval.data;

/**
 * A math word problem with a numeric answer (GSM8K).
 *
 * @param solution the worked solution as the source gives it (GSM8K: reasoning, then "#### N")
 * @param answer   the final number, without thousands separators (e.g. "18", "-3.5")
 */
public record MathProblem(String id, String question, String solution, String answer) implements Item {
    @Override
    public String prompt() {
        return question;
    }
}
