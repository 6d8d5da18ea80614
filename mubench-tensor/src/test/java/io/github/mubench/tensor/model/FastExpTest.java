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

    /**
     * The ends of the computed range, where 2^n is added to the polynomial's exponent field at n = −126 and n = 128:
     * still normal, finite and within 3 ulp there, and just past them flushed to 0 or +∞.
     */
    @Test
    void theRangeLimitsAreComputedExactlyEnough() {
        for (float x : new float[]{FastExp.MIN_ARG, Math.nextUp(FastExp.MIN_ARG), Math.nextDown(FastExp.MAX_ARG), FastExp.MAX_ARG}) {
            float want = (float) Math.exp(x), got = FastExp.exp(x);
            assertTrue(got >= Float.MIN_NORMAL && got <= Float.MAX_VALUE, "exp(" + x + ") = " + got);
            assertTrue(Math.abs(got - want) <= 3 * Math.ulp(want), "exp(" + x + ") = " + got + ", want " + want);
        }
        assertEquals(0f, FastExp.exp(Math.nextDown(FastExp.MIN_ARG)));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(Math.nextUp(FastExp.MAX_ARG)));
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
