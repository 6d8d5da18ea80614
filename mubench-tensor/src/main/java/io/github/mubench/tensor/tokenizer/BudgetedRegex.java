package io.github.mubench.tensor.tokenizer;

import io.github.mubench.tensor.io.FormatException;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regex from a tokenizer file, run with a step budget. Java's regex engine backtracks, so a hostile or careless
 * pattern such as {@code (a+)+\1b} takes exponential time on a few dozen characters; here every character the engine
 * reads counts against {@value #STEPS_PER_CHAR} per input character (plus a floor), and a pattern that runs over
 * fails with an error naming the file and the field instead of hanging. Real tokenizer patterns read each character
 * a handful of times.
 */
final class BudgetedRegex {
    static final long STEPS_PER_CHAR = 1000, FLOOR = 100_000;

    private final Pattern pattern;
    private final Path file;
    private final String where;

    BudgetedRegex(Pattern pattern, Path file, String where) {
        this.pattern = pattern;
        this.file = file;
        this.where = where;
    }

    /** A matcher over {@code text} that throws a {@link FormatException} once its budget is spent. */
    Matcher matcher(String text) {
        return pattern.matcher(new Counting(text, FLOOR + STEPS_PER_CHAR * text.length()));
    }

    /** The text as the engine reads it, one counted character at a time. */
    private final class Counting implements CharSequence {
        private final String text;
        private long left;

        Counting(String text, long budget) {
            this.text = text;
            this.left = budget;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new FormatException(file, where, "regex /" + pattern.pattern() + "/ needs more than " + STEPS_PER_CHAR
                        + " steps per character on a text of " + text.length() + " characters (catastrophic backtracking); "
                        + "expected a pattern that runs in time linear in its input");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
