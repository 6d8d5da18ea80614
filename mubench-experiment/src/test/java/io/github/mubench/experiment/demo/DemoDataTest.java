package io.github.mubench.experiment.demo;

import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.data.UnlearnExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's data: the sizes it promises, made the same way twice, and no evaluation item in the training data. */
class DemoDataTest {
    @TempDir
    Path dir;

    @Test
    void noEvaluationItemIsInTheTrainingData() throws Exception {
        Demo.Plan plan = Demo.plan(Models.stories260K(), dir.resolve("a"));
        DemoData data = plan.data();
        assertEquals(DemoData.HARMFUL, data.harmful().size());
        assertEquals(DemoData.SFT_STORIES, data.benign().size());
        assertTrue(data.harmful().stream().allMatch(h -> h.response().startsWith("Sure, here")), "AdvBench's compliant targets");

        List<String> training = new ArrayList<>();
        for (List<UnlearnExample> pairs : List.of(data.harmful(), data.benign())) {
            for (UnlearnExample e : pairs) {
                training.add(e.prompt());
                training.add(e.response());
            }
        }
        int checked = 0;
        TaskContext all = new TaskContext(Integer.MAX_VALUE, 0, null);
        for (Task t : plan.tasks()) {
            for (Item item : t.items(all)) {
                List<String> texts = new ArrayList<>(List.of(item.prompt()));
                if (item instanceof MultipleChoice m) { // the context with its right ending: a held-out story's opening
                    texts.set(0, m.question() + " " + m.choices().get(m.correct().get(0)));
                }
                for (String text : texts) {
                    String core = text.replaceFirst("^Story: ", "").strip();
                    assertFalse(training.stream().anyMatch(x -> x.contains(core)), t.name() + " item " + item.id() + " is trained on: " + core);
                }
                checked++;
            }
        }
        assertEquals(Demo.HARMFUL_EVAL + 100 + DemoData.HELD_OUT + DemoData.HELD_OUT, checked,
                "50 AdvBench requests (the same under every attack), XSTest's 100, 32 stories, 32 endings");

        Demo.Plan again = Demo.plan(Models.stories260K(), dir.resolve("b"));
        assertEquals(Files.readString(data.stories()), Files.readString(again.data().stories()), "the same data from the same seed");
    }
}
