package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.Passage;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;

import java.nio.file.Path;
import java.util.List;

/**
 * Perplexity of a user's passages (the {@code passages} file format: a {@code text} field, or one passage per line
 * of a {@code .txt}), scored as they are, as {@link RollingPerplexity} describes: held-out text of the domain a
 * model should keep, such as the demo's stories. {@code --limit} takes the first passages.
 */
public final class FilePerplexity extends RollingPerplexity {
    /** Settings. */
    public record Settings(@Param(value = "", doc = "the passages file: JSONL/JSON/CSV with a text field, or a .txt with one passage per line") String path) {
        public Settings {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("perplexity reads a user's file: give path=FILE");
            }
        }
    }

    private final Settings settings;

    public FilePerplexity(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "perplexity";
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
        @SuppressWarnings("unchecked")
        List<Passage> passages = (List<Passage>) Datasets.fromFile("passages", Path.of(settings.path()), false).items();
        return context.firstDocs(passages);
    }

    @Override
    String scored(Passage passage) {
        return passage.text();
    }
}
