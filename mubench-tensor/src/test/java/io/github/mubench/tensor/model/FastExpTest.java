package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastExp} against {@link Math#exp} rounded to float. */
class FastExpTest {
    @Test
    void withinThreeUlpOfTheCorrectlyRoundedResultOverTheWholeNormalRange() {
        double worst = 0;
        for (float x = -87.3f; x < 88.7f; x += 0.0007f) {
            float want = (float) Math.exp(x), got = FastExp.exp(x);
            worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
        }
        assertTrue(worst <= 3, "worst error " + worst + " ulp");
    }

    @Test
    void edgeCases() {
        assertEquals(1f, FastExp.exp(0f));
        assertEquals(0f, FastExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, FastExp.exp(-1e9f));
        assertEquals(0f, FastExp.exp(-90f)); // below the normal range: flushed to zero
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(89f));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(FastExp.exp(Float.NaN)));
    }
}
