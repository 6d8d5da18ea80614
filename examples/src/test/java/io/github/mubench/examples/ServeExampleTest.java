package io.github.mubench.examples;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.score.LogLikelihood;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeExampleTest {
    @Test
    void theServedModelAnswersAsTheLocalOne() {
        LoadedModel m = Models.stories260K();
        var o = ServeExample.run(m);
        assertEquals(Generator.of(m).generate("Once upon a time", GenerationConfig.greedy(16)).text(), o.completion());
        double local = new LogLikelihood(m.inference(), 1).score(List.of(
                LogLikelihood.Request.encode(m.tokenizer(), "Once upon a time,", " there"))).get(0).logprob();
        assertEquals(local, o.logprob(), 1e-4);
        assertTrue(o.verdict().score() > 0 && o.verdict().score() < 1, "P(yes) " + o.verdict().score());
    }
}
