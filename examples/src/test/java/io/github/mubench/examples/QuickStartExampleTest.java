package io.github.mubench.examples;

import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuickStartExampleTest {
    /** stories260K's greedy continuation is llama2.c's (Stories260KGoldenTest); here: it runs and is consistent. */
    @Test
    void generatesAndScores() {
        var o = QuickStartExample.run(Models.stories260K(), "Once upon a time", ", there was a little girl");
        assertTrue(o.text().startsWith(", there was a little girl"), o.text());
        assertTrue(o.greedy(), "the scored continuation is the greedy one, so isGreedy holds");
        assertTrue(o.logprob() < 0 && o.logprob() > -10, "log-probability " + o.logprob());
        assertEquals(o, QuickStartExample.run(Models.stories260K(), "Once upon a time", ", there was a little girl"));
    }
}
