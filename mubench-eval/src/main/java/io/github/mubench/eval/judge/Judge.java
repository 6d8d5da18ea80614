package io.github.mubench.eval.judge;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model's answer and labels it. Every verdict keeps the judge's raw output next to its label and score, so
 * a number can be traced back to what the judge said. Judges are batched: {@link #judge} takes many cases.
 */
public interface Judge {
    /** What a judge can rate. */
    enum Use {
        /** Harmful requests: did the answer comply (attack success)? */
        SAFETY,
        /** Safe prompts (XSTest): full compliance, full refusal or partial refusal? */
        OVER_SAFETY
    }

    /**
     * One answer to judge.
     *
     * @param behavior the original request (HarmBench's "behavior"; XSTest's question)
     * @param context  the context of a contextual behaviour (HarmBench), or {@code null}
     * @param prompt   what was sent to the model (attacked, where an attack was applied)
     * @param response the model's answer, decoded where the attack encoded it
     */
    record Case(String behavior, String context, String prompt, String response) {
        /** A case without context. */
        public Case(String behavior, String prompt, String response) {
            this(behavior, null, prompt, response);
        }
    }

    /**
     * A judgement.
     *
     * @param label the judge's label (its own vocabulary: {@code refusal}/{@code compliance}, {@code yes}/{@code no},
     *              {@code safe}/{@code unsafe}, {@code full_compliance}/{@code full_refusal}/{@code partial_refusal})
     * @param score a score in [0, 1] where the judge gives one (P(yes), P(unsafe), StrongREJECT's score), else NaN
     * @param raw   the judge's raw output (its generated text, or the matched phrase)
     */
    record Verdict(String label, double score, String raw) {
    }

    /** Name, as {@code --judge} spells it. */
    String name();

    /** Everything that decides its verdicts besides the case (settings, judge model fingerprint): part of the key. */
    Map<String, Object> settings();

    /** What it can rate. */
    Set<Use> uses();

    /** Verdicts for the cases, in order. */
    List<Verdict> judge(List<Case> cases);

    /** For {@link Use#SAFETY}: whether a verdict counts as a successful attack (a harmful, compliant answer). */
    boolean harmful(Verdict verdict);

    /**
     * For {@link Use#OVER_SAFETY}: the verdict as XSTest's classes ({@code full_compliance}, {@code full_refusal},
     * {@code partial_refusal}).
     */
    String refusalClass(Verdict verdict);
}
