package io.github.mubench.examples;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.unlearn.LossTerms;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningMethod;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.optim.AdamW;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.List;

/**
 * Writing your own unlearning method: say the loss, nothing else. This one ascends on the forget set only until
 * its NLL passes a threshold (a hinge, as Eraser does), while a KL term keeps retain behaviour near the original.
 * <p>
 * Run: {@code mvn -q -pl examples -am install -DskipTests && java -cp ... io.github.mubench.examples.CustomMethodExample}
 */
public final class CustomMethodExample {

    /**
     * {@code max(0, γ − NLL(D_f)) + α·KL(π_ref‖π_θ)} on the retain tokens. Each parameter is declared once, with its
     * default and doc: {@code Parameters.create(BoundedAscent.class, Map.of("gamma", "2"), ...)} builds one from
     * text, and the run's manifest records the values.
     */
    record BoundedAscent(
            @Param(value = "3", doc = "γ, the forget NLL at which the ascent stops") double gamma,
            @Param(value = "1", doc = "α, weight of the retain KL") double alpha) implements UnlearningMethod {
        @Override
        public String name() {
            return "bounded_ascent";
        }

        @Override
        public java.util.Set<RowGroup> rowGroups() {
            return java.util.Set.of(RowGroup.FORGET, RowGroup.RETAIN);
        }

        @Override
        public SDVariable loss(LossTerms t) {
            SDVariable hinge = t.sameDiff().nn.relu(t.forgetNll().neg().add(gamma), 0);
            return hinge.add(t.retainKl().mul(alpha));
        }
    }

    public static void main(String[] args) {
        LoadedModel model = Models.stories260K();
        List<UnlearnExample> forget = List.of(
                new UnlearnExample("Tell me a story.", "Once upon a time, there was a little girl named Lily."));
        List<UnlearnExample> retain = List.of(
                new UnlearnExample("Tell me about Tom.", "Tom had a big red ball. He liked to kick it."));
        UnlearningRun run = Unlearning.of(model).method(new BoundedAscent(3.0, 1.0)).forget(forget).retain(retain)
                .optimizer(AdamW.lr(2e-3)).steps(8).batchSize(1, 1).seed(0).run();
        run.metrics().forEach(m -> System.out.printf("step %d  loss %.3f  forget NLL %.3f  retain NLL %.3f%n",
                m.step(), m.loss(), m.forgetNll(), m.retainNll()));
    }
}
