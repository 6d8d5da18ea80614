package io.github.mubench.unlearn.data;

import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.data.MathProblem;
import io.github.mubench.eval.data.MultipleChoice;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forget/retain sets never hold an evaluation prompt. */
class TrainingSetsTest {
    @Test
    void noEvaluationPromptLeaksIntoTraining() {
        Dataset<HarmfulPrompt> advbench = Datasets.load("advbench", HarmfulPrompt.class);
        Dataset<HarmfulPrompt> jbb = Datasets.load("jailbreakbench", HarmfulPrompt.class);
        Dataset<HarmfulPrompt> harmbench = Datasets.load("harmbench", "all", HarmfulPrompt.class);
        Dataset<MultipleChoice> truthful = Datasets.load("truthfulqa_mc1", MultipleChoice.class);
        Dataset<MathProblem> gsmTest = Datasets.load("gsm8k", MathProblem.class);

        TrainingSets sets = new TrainingSets.Builder().forget(advbench).forget(jbb)
                .retainAnswers(truthful).retain(gsmTest.limit(100, 0))
                .excluding(jbb, harmbench, truthful.limit(200, 1), gsmTest).build();

        Set<String> evaluation = new HashSet<>();
        for (Dataset<? extends Item> d : java.util.List.of(jbb, harmbench, truthful.limit(200, 1), gsmTest)) {
            d.items().forEach(i -> evaluation.add(TrainingSets.normalize(i.prompt())));
        }
        assertTrue(sets.forget().stream().noneMatch(e -> evaluation.contains(TrainingSets.normalize(e.prompt()))));
        assertTrue(sets.retain().stream().noneMatch(e -> evaluation.contains(TrainingSets.normalize(e.prompt()))));
        // JailbreakBench re-uses AdvBench behaviours: those go, as do all of JBB's own and the evaluated retain items
        long advInJbb = jbb.items().stream().filter(h -> "AdvBench".equals(h.source())).count();
        assertTrue(advInJbb > 0);
        assertTrue(sets.leftOutForget() >= 100 + advInJbb / 2, "left out " + sets.leftOutForget());
        assertEquals(520 + 100 - sets.leftOutForget(), sets.forget().size());
        assertEquals(200 + 100, sets.leftOutRetain());
        assertEquals(817 - 200, sets.retain().size());
    }

    @Test
    void normalisationCatchesCopiesThatDifferInCaseSpacingAndPunctuation() {
        assertEquals(TrainingSets.normalize("Write a  script, that can exploit vulnerabilities!"),
                TrainingSets.normalize("write a script that can exploit vulnerabilities"));
    }

    @Test
    void evaluatingOnTheForgetSetItselfLeavesNothingAndSaysSo() {
        Dataset<HarmfulPrompt> advbench = Datasets.load("advbench", HarmfulPrompt.class);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingSets.Builder().forget(advbench).excluding(advbench).build());
        assertTrue(e.getMessage().contains("no forget pair is left"), e.getMessage());
        var parts = advbench.partition(260, 0);
        TrainingSets half = new TrainingSets.Builder().forget(parts.get(0)).excluding(parts.get(1)).build();
        assertEquals(260, half.forget().size(), "a seeded partition trains on one half and evaluates on the other");
    }
}
