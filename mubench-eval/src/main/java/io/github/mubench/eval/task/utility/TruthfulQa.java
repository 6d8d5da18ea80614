package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.prompts.PromptTexts;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;

import java.util.List;
import java.util.Map;

/**
 * TruthfulQA multiple choice as lm-evaluation-harness's {@code truthfulqa_mc1} / {@code truthfulqa_mc2}: the fixed
 * 6-pair QA primer, a blank line, {@code Q: QUESTION\nA:}; each answer after a space is a continuation. MC1 reports
 * {@code acc} (the single true answer has the highest log-likelihood); MC2 reports {@code mc2}, the normalised
 * probability mass of the true answers, Σp(true) / (Σp(true) + Σp(false)). {@code --limit} takes the first items.
 */
public final class TruthfulQa extends ChoiceTask {
    /** Settings. */
    public record Settings(
            @Param(value = "1", doc = "1: MC1 (one true answer), 2: MC2 (several)") int mc,
            @Param(value = "false", doc = "send the prompt as one user turn through the chat template") boolean chat) {
        public Settings {
            if (mc != 1 && mc != 2) {
                throw new IllegalArgumentException("mc must be 1 or 2, got " + mc);
            }
        }
    }

    private final Settings settings;

    public TruthfulQa(Settings settings) {
        super("truthfulqa_mc" + settings.mc(), settings, settings.chat());
        this.settings = settings;
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        List<MultipleChoice> items = Datasets.load(name(), MultipleChoice.class).items();
        return context.firstDocs(items);
    }

    @Override
    String context(MultipleChoice item) {
        return PromptTexts.read("truthfulqa_primer.txt") + "\n\nQ: " + item.question() + "\nA:";
    }

    @Override
    String option(MultipleChoice item, int i) {
        return item.choices().get(i);
    }

    @Override
    Map<String, Double> values(MultipleChoice item, double[] logprobs) {
        if (settings.mc() == 1) {
            return Map.of("acc", argmax(logprobs) == item.gold() ? 1.0 : 0.0);
        }
        double max = java.util.Arrays.stream(logprobs).max().orElse(0), truth = 0, all = 0;
        for (int i = 0; i < logprobs.length; i++) {
            double p = Math.exp(logprobs[i] - max); // relative to the largest: long answers must not all underflow to 0
            all += p;
            truth += item.correct().contains(i) ? p : 0;
        }
        return Map.of("mc2", truth / all);
    }
}
