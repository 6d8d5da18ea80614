package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * HellaSwag-format multiple choice from a user's file (HellaSwag itself is not bundled), as lm-evaluation-harness's
 * {@code hellaswag}: the cleaned {@code "ACTIVITY: CONTEXT"} (the {@code hellaswag} file format) is the context, each
 * cleaned ending after a space an option. Metrics: {@code acc} and {@code acc_norm}. The format suits any
 * sentence-completion set, such as the demo's story endings. {@code --limit} takes the first items.
 */
public final class HellaSwag extends ChoiceTask {
    /** Settings. */
    public record Settings(
            @Param(value = "", doc = "the file: JSONL, JSON or CSV with ctx (or ctx_a + ctx_b), endings, label, optional activity_label") String path,
            @Param(value = "false", doc = "send the context as one user turn through the chat template") boolean chat) {
        public Settings {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("hellaswag reads a user's file: give path=FILE");
            }
        }
    }

    private final Settings settings;

    public HellaSwag(Settings settings) {
        super("hellaswag", settings, settings.chat());
        this.settings = settings;
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        @SuppressWarnings("unchecked")
        List<MultipleChoice> items = (List<MultipleChoice>) Datasets.fromFile("hellaswag", Path.of(settings.path()), false).items();
        return context.firstDocs(items);
    }

    @Override
    String context(MultipleChoice item) {
        return item.question();
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
