package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Prompt;
import io.github.mubench.eval.prompts.PromptTexts;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GSM8K through {@code generate_until}, as lm-evaluation-harness's two tasks:
 * <ul>
 *   <li>{@code gsm8k} ({@code cot=false}): {@code shots} train-split problems (the first ones), each
 *   {@code Question: Q\nAnswer: SOLUTION}, joined by blank lines, then {@code Question: Q\nAnswer:}; generation stops
 *   at "Question:", "&lt;/s&gt;", "&lt;|im_end|&gt;"; strict extraction {@code #### (-?[0-9.,]+)}.</li>
 *   <li>{@code gsm8k_cot} ({@code cot=true}): the 8 chain-of-thought exemplars of Wei et al. ({@code Q: .. A: ..
 *   The answer is N.}), then {@code Q: Q\nA:}; the same stop strings with "Q:" for "Question:"; strict extraction
 *   {@code The answer is (-?[0-9.,]+).}</li>
 * </ul>
 * Both report {@code exact_match_strict} and {@code exact_match_flexible} (the last number in the answer, lm-eval's
 * {@code (-?[$0-9.,]{2,})|(-?[0-9]+)}); prediction and gold are compared as the harness's {@code exact_match} with
 * its {@code regexes_to_ignore} (commas, dollar signs, everything up to "#### ", a trailing period) and
 * {@code ignore_case}. Greedy decoding. {@code --limit} takes the first problems. One deviation: the harness draws
 * the 5 shots at random from the train split (Python's {@code random}, seed 1234); mubench takes the first 5.
 */
public final class Gsm8k implements Task {
    /** Settings. */
    public record Settings(
            @Param(value = "false", doc = "8-shot chain of thought (gsm8k_cot) instead of the 5-shot Question/Answer format") boolean cot,
            @Param(value = "5", doc = "few-shot examples of the Question/Answer format (cot: always the 8 exemplars)") int shots,
            @Param(value = "256", doc = "most new tokens of an answer") int maxNewTokens,
            @Param(value = "false", doc = "send the prompt as one user turn through the chat template") boolean chat) {
        public Settings {
            Parameters.atLeast("shots", shots, 0);
            Parameters.atLeast("maxNewTokens", maxNewTokens, 1);
        }
    }

    private static final Pattern STRICT = Pattern.compile("#### (-?[0-9.,]+)"), STRICT_COT = Pattern.compile("The answer is (-?[0-9.,]+)."),
            FLEXIBLE = Pattern.compile("(-?[$0-9.,]{2,})|(-?[0-9]+)");
    private final Settings settings;
    private String prefix;

    public Gsm8k(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return settings.cot() ? "gsm8k_cot" : "gsm8k";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        List<MathProblem> test = Datasets.load("gsm8k", "test", MathProblem.class).items();
        return context.firstDocs(test);
    }

    private synchronized String prefix() {
        if (prefix == null) {
            if (settings.cot()) {
                prefix = PromptTexts.read("gsm8k_cot_exemplars.txt");
            } else {
                StringBuilder b = new StringBuilder();
                List<MathProblem> train = Datasets.load("gsm8k", "train", MathProblem.class).items();
                for (MathProblem shot : train.subList(0, Math.min(settings.shots(), train.size()))) {
                    b.append("Question: ").append(shot.question()).append("\nAnswer: ").append(shot.solution()).append("\n\n");
                }
                prefix = b.toString();
            }
        }
        return prefix;
    }

    /** The whole prompt for one problem. */
    String prompt(MathProblem p) {
        return prefix() + (settings.cot() ? "Q: " + p.question() + "\nA:" : "Question: " + p.question() + "\nAnswer:");
    }

    /** lm-eval's stop strings. */
    List<String> until() {
        return settings.cot() ? List.of("Q:", "</s>", "<|im_end|>") : List.of("Question:", "</s>", "<|im_end|>");
    }

    @Override
    public List<Request> requests(Doc doc) {
        String text = prompt((MathProblem) doc.item());
        return List.of(new Request.Generate(settings.chat() ? Prompt.user(null, text) : Prompt.text(text), until(), settings.maxNewTokens()));
    }

    /** The strict extraction: the number after "####" (or "The answer is"), else {@code [invalid]}. */
    String strict(String answer) {
        Matcher m = (settings.cot() ? STRICT_COT : STRICT).matcher(answer);
        return m.find() ? m.group(1).strip() : "[invalid]";
    }

    /** The flexible extraction: the last number in the answer, else {@code [invalid]}. */
    static String flexible(String answer) {
        Matcher m = FLEXIBLE.matcher(answer);
        String last = "[invalid]";
        while (m.find()) {
            last = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
        }
        return last;
    }

    /** Both sides of the comparison, as lm-eval's exact_match prepares them: its regexes removed in order, lower case. */
    static String normalise(String s) {
        return s.replaceAll(",", "").replaceAll("\\$", "").replaceAll("(?s).*#### ", "").replaceAll("\\.$", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        MathProblem p = (MathProblem) doc.item();
        String answer = responses.get(0).text();
        String strict = strict(answer), flexible = flexible(answer), gold = normalise(p.solution());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("prompt", prompt(p));
        fields.put("response", answer);
        fields.put("prediction", Map.of("strict", strict, "flexible", flexible));
        fields.put("gold", p.answer());
        fields.put("correct", normalise(strict).equals(gold));
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("exact_match_strict", normalise(strict).equals(gold) ? 1.0 : 0.0);
        values.put("exact_match_flexible", normalise(flexible).equals(gold) ? 1.0 : 0.0);
        return new Sample(name(), doc.id(), p.id(), fields, values, Map.of());
    }
}
