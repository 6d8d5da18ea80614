package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import java.util.List;
import java.util.Map;

/**
 * ARC-Challenge as lm-evaluation-harness's {@code arc_challenge}: {@code Question: QUESTION\nAnswer:} with each
 * option's text as the continuation (after a space); {@code shots} dev-split examples (the first ones) come first,
 * each followed by its correct answer, joined by blank lines. Metrics: {@code acc} and {@code acc_norm} (the
 * log-likelihood divided by the option's length in characters, without the leading space, as the harness does). {@code --limit}
 * takes the first items.
 */
public final class Arc extends ChoiceTask {
    /** Settings. */
    public record Settings(
            @Param(value = "0", doc = "few-shot examples, from the dev split (lm-eval's default is 0)") int shots,
            @Param(value = "false", doc = "send the prompt as one user turn through the chat template") boolean chat) {
        public Settings {
            Parameters.atLeast("shots", shots, 0);
        }
    }

    private final Settings settings;
    private String prefix;

    public Arc(Settings settings) {
        super("arc_challenge", settings, settings.chat());
        this.settings = settings;
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        List<MultipleChoice> test = Datasets.load("arc_challenge", "test", MultipleChoice.class).items();
        return context.firstDocs(test);
    }

    private synchronized String prefix() {
        if (prefix == null) {
            StringBuilder b = new StringBuilder();
            List<MultipleChoice> dev = Datasets.load("arc_challenge", "dev", MultipleChoice.class).items();
            for (MultipleChoice shot : dev.subList(0, Math.min(settings.shots(), dev.size()))) {
                b.append(text(shot)).append(' ').append(shot.choices().get(shot.gold())).append("\n\n");
            }
            prefix = b.toString();
        }
        return prefix;
    }

    private static String text(MultipleChoice q) {
        return "Question: " + q.question() + "\nAnswer:";
    }

    @Override
    String context(MultipleChoice item) {
        return prefix() + text(item);
    }

    @Override
    String option(MultipleChoice item, int i) {
        return item.choices().get(i);
    }

    @Override
    Map<String, Double> values(MultipleChoice item, double[] logprobs) {
        return accuracies(item, logprobs);
    }
}
