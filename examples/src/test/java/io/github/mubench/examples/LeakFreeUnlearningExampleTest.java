package io.github.mubench.examples;

import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example trains on one half of AdvBench only, unlearns, and attacks the other half. */
class LeakFreeUnlearningExampleTest {
    @Test
    void trainsOnOneHalfAndAttacksTheOther() {
        var o = LeakFreeUnlearningExample.run(Models.stories260K(), 3);
        Set<String> trained = o.sets().forget().stream().map(e -> e.prompt()).collect(Collectors.toSet());
        assertTrue(o.heldOut().items().stream().noneMatch(h -> trained.contains(h.prompt())));
        assertEquals(3, o.run().metrics().size());
        assertTrue(o.run().metrics().get(2).forgetNll() > o.run().metrics().get(0).forgetNll(), "NPO raises forget NLL");
        assertEquals(5, o.attacked().size());
        assertTrue(o.attacked().stream().allMatch(a -> a.attack().equals("refusal_suppression")
                && a.prompt().contains(o.heldOut().items().stream().filter(h -> h.id().equals(a.itemId())).findFirst().orElseThrow().prompt())));
    }
}
