package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SwiGlu} against {@code g·σ(g)·u} in double precision, and its backward against central differences of that
 * (so the derivative's formula is checked, not restated), over more rows than the threads' chunks and a width that is
 * no multiple of the vector length.
 */
class SwiGluTest {

    @Test
    void forwardAndBackwardMatchDoublePrecision() {
        int rows = 37, width = 45, n = rows * width;
        SplittableRandom random = new SplittableRandom(11);
        float[] gate = new float[n], up = new float[n], dOut = new float[n];
        for (int i = 0; i < n; i++) {
            gate[i] = (float) random.nextDouble(-12, 12);
            up[i] = (float) random.nextDouble(-3, 3);
            dOut[i] = (float) random.nextDouble(-1, 1);
        }
        FloatBuffer out = FloatBuffer.allocate(n), dGate = FloatBuffer.allocate(n), dUp = FloatBuffer.allocate(n);
        SwiGlu.forward(FloatBuffer.wrap(gate), FloatBuffer.wrap(up), out, rows, width);
        SwiGlu.backward(FloatBuffer.wrap(gate), FloatBuffer.wrap(up), FloatBuffer.wrap(dOut), dGate, dUp, rows, width);
        double step = 1e-6;
        for (int i = 0; i < n; i++) {
            double g = gate[i], u = up[i], d = dOut[i];
            double y = swiGlu(g, u);
            assertEquals(y, out.get(i), 1e-6 * (1 + Math.abs(y)), "output " + i);
            double dg = d * (swiGlu(g + step, u) - swiGlu(g - step, u)) / (2 * step);
            double du = d * (swiGlu(g, u + step) - swiGlu(g, u - step)) / (2 * step);
            assertEquals(dg, dGate.get(i), 1e-5 * (1 + Math.abs(dg)), "gate gradient " + i);
            assertEquals(du, dUp.get(i), 1e-5 * (1 + Math.abs(du)), "up gradient " + i);
        }
    }

    private static double swiGlu(double g, double u) {
        return g / (1 + Math.exp(-g)) * u;
    }
}
