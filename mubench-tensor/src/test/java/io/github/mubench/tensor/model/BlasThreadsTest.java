package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasThreadsTest {
    @Test
    void theBundledOpenBlasIsSetThroughItsOwnSetter() {
        assertTrue(BlasThreads.direct(), "openblas_set_num_threads not found: every attention call would take ND4J's slow path");
    }

    @Test
    void settingLeavesTheCountNd4jReportsForTheHoldToRestore() {
        int before = BlasThreads.get();
        BlasThreads.set(1);
        assertEquals(before, BlasThreads.get());
        BlasThreads.set(before);
    }
}
