package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.Passage;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;

import java.util.List;

/**
 * WikiText-2 perplexity as lm-evaluation-harness's {@code wikitext}: each article, detokenized by the harness's
 * rules, scored as {@link RollingPerplexity} describes. {@code --limit} takes the first articles.
 */
public final class WikiText extends RollingPerplexity {
    /** No settings besides the model's own context length. */
    public record Settings(@Param(value = "2", doc = "WikiText version (the raw WikiText-2 test split is bundled)") int version) {
        public Settings {
            if (version != 2) {
                throw new IllegalArgumentException("only WikiText-2 is bundled, got version " + version);
            }
        }
    }

    private final Settings settings;

    public WikiText(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "wikitext2";
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
        List<Passage> all = Datasets.load("wikitext2", Passage.class).items();
        return context.firstDocs(all);
    }

    /** The harness's {@code wikitext_detokenizer}: its replacements, in its order. */
    static String detokenize(String s) {
        s = s.replace("s '", "s'");
        s = s.replaceAll("/' [0-9]/", "/'[0-9]/"); // as written upstream: matches only a literal "/' 5/"
        s = s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".");
        s = s.replace(" : ", ": ").replace(" ; ", "; ").replace(" . ", ". ").replace(" ! ", "! ").replace(" ? ", "? ").replace(" , ", ", ");
        s = s.replaceAll("(?U)\\(\\s*([^)]*?)\\s*\\)", "($1)");
        s = s.replaceAll("(?U)\\[\\s*([^\\]]*?)\\s*]", "[$1]");
        s = s.replaceAll("(?U)\\{\\s*([^}]*?)\\s*}", "{$1}");
        s = s.replaceAll("(?U)\"\\s*([^\"]*?)\\s*\"", "\"$1\"");
        s = s.replaceAll("(?U)'\\s*([^']*?)\\s*'", "'$1'");
        s = s.replace("= = = =", "====").replace("= = =", "===").replace("= =", "==");
        s = s.replace(" \u00b0 ", "\u00b0");
        s = s.replace(" \n", "\n").replace("\n ", "\n");
        s = s.replace(" N ", " 1 ");
        return s.replace(" 's", "'s");
    }

    @Override
    String scored(Passage passage) {
        return detokenize(passage.text());
    }
}
