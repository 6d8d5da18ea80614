package io.github.mubench.examples;

import io.github.mubench.tensor.Models;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example's method does what its Javadoc says: ascend on the forget set until NLL passes the threshold. */
class CustomMethodExampleTest {
    @Test
    void boundedAscentPushesForgetNllPastItsThresholdAndThenTheHingeIsFlat() {
        var run = Unlearning.of(Models.stories260K()).method(new CustomMethodExample.BoundedAscent(3.0, 1.0))
                .forget(List.of(new UnlearnExample("Tell me a story.", "Once upon a time, there was a little girl named Lily.")))
                .retain(List.of(new UnlearnExample("Tell me about Tom.", "Tom had a big red ball. He liked to kick it.")))
                .optimizer(AdamW.lr(2e-3)).steps(6).batchSize(1, 1).seed(0).run();
        var first = run.metrics().get(0);
        var last = run.metrics().get(run.metrics().size() - 1);
        assertTrue(first.forgetNll() < 3.0 && last.forgetNll() > 3.0, first.forgetNll() + " -> " + last.forgetNll());
        assertTrue(last.loss() < first.loss(), "the hinge went flat; only the KL term is left");
    }
}
