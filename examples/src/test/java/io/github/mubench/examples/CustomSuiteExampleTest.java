package io.github.mubench.examples;

import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A suite file of bundled tasks and a user's text evaluates every task it lists. */
class CustomSuiteExampleTest {
    @TempDir
    Path dir;

    @Test
    void everyTaskOfTheSuiteIsEvaluated() throws Exception {
        var r = CustomSuiteExample.run(Models.stories260K(), dir);
        assertEquals(List.of("xstest", "advbench", "arc_challenge", "perplexity"), r.tasks().stream().map(t -> t.task()).toList());
        assertEquals(List.of("over_safety", "safety", "utility", "utility"), r.tasks().stream().map(t -> t.use()).toList());
        assertEquals(2, r.task("perplexity").metrics().get("word_perplexity").n(), "the two lines of my_text.txt");
        double ppl = r.task("perplexity").metrics().get("word_perplexity").value();
        assertTrue(ppl > 1 && ppl < 1000, "a story model finds stories plausible: " + ppl);
        assertEquals(20, r.task("arc_challenge").metrics().get("acc").n());
    }
}
