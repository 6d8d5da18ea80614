package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RmsNormRows} against RMSNorm in double precision, and its backward against central differences of the loss
 * {@code Σ da ⊙ norm(x)} (so the derivative's formula is checked, not restated), over more rows than the blocks and
 * threads' chunks; and the gain's gradient the same to the bit in a second run (its blocks are summed in one order).
 */
class RmsNormRowsTest {
    private static final double EPS = 1e-5;

    @Test
    void forwardAndBackwardMatchDoublePrecision() {
        int rows = 75, d = 13, n = rows * d;
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[n], da = new float[n], gain = new float[d];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-2, 2);
            da[i] = (float) random.nextDouble(-1, 1);
        }
        for (int j = 0; j < d; j++) {
            gain[j] = (float) random.nextDouble(0.5, 1.5);
        }
        float[] inverseRms = new float[rows], gainGradient = new float[d], again = new float[d];
        FloatBuffer out = FloatBuffer.allocate(n), dx = FloatBuffer.allocate(n);
        RmsNormRows.forward(FloatBuffer.wrap(x), out, gain, EPS, inverseRms, rows, d);
        RmsNormRows.backward(FloatBuffer.wrap(x), inverseRms, gain, FloatBuffer.wrap(da), dx, gainGradient, rows, d);
        RmsNormRows.backward(FloatBuffer.wrap(x), inverseRms, gain, FloatBuffer.wrap(da.clone()), FloatBuffer.allocate(n), again, rows, d);
        assertArrayEquals(gainGradient, again, "the gain's gradient, run twice");

        double step = 1e-4;
        double[] expectedGain = new double[d];
        for (int r = 0; r < rows; r++) {
            double[] row = new double[d];
            for (int j = 0; j < d; j++) {
                row[j] = x[r * d + j];
            }
            double[] y = norm(row, gain);
            for (int j = 0; j < d; j++) {
                assertEquals(y[j], out.get(r * d + j), 1e-5 * (1 + Math.abs(y[j])), "output " + r + "," + j);
            }
            for (int j = 0; j < d; j++) {
                double kept = row[j];
                row[j] = kept + step;
                double plus = loss(norm(row, gain), da, r * d);
                row[j] = kept - step;
                double minus = loss(norm(row, gain), da, r * d);
                row[j] = kept;
                double expected = (plus - minus) / (2 * step);
                assertEquals(expected, dx.get(r * d + j), 1e-4 * (1 + Math.abs(expected)), "input gradient " + r + "," + j);
                expectedGain[j] += da[r * d + j] * y[j] / gain[j];
            }
        }
        for (int j = 0; j < d; j++) {
            assertEquals(expectedGain[j], gainGradient[j], 1e-4 * (1 + Math.abs(expectedGain[j])), "gain gradient " + j);
        }
    }

    private static double[] norm(double[] x, float[] gain) {
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        double scale = 1 / Math.sqrt(sum / x.length + EPS);
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = x[j] * scale * gain[j];
        }
        return y;
    }

    private static double loss(double[] y, float[] da, int offset) {
        double s = 0;
        for (int j = 0; j < y.length; j++) {
            s += da[offset + j] * y[j];
        }
        return s;
    }
}
