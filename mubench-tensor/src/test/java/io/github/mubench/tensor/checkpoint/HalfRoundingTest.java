package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.HalfTensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** float32 ↔ F16/BF16: every 16-bit pattern round-trips, and rounding picks the nearest value, ties to even. */
class HalfRoundingTest {
    @Test
    void everySixteenBitPatternRoundTrips() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short h = (short) bits;
            for (boolean bf16 : new boolean[]{false, true}) {
                float f = HalfTensor.toFloat(h, bf16);
                short back = bf16 ? SafetensorsWriter.toBfloat16(f) : SafetensorsWriter.toHalf(f);
                if (Float.isNaN(f)) {
                    assertTrue(Float.isNaN(HalfTensor.toFloat(back, bf16)), "NaN stays NaN");
                } else {
                    assertEquals(h, back, (bf16 ? "BF16 " : "F16 ") + Integer.toHexString(bits));
                }
            }
        }
    }

    @Test
    void binary16ValuesAreTheFormatsDefinition() {
        // independent of the bit tricks: (-1)^s · 2^(e-15) · (1 + m/1024), subnormals 2^-14 · m/1024
        for (int bits = 0; bits < 1 << 16; bits++) {
            int s = bits >>> 15, e = (bits >>> 10) & 31, m = bits & 1023;
            if (e == 31) {
                continue;
            }
            double v = (s == 1 ? -1 : 1) * (e == 0 ? Math.scalb(m / 1024.0, -14) : Math.scalb(1 + m / 1024.0, e - 15));
            assertEquals(v, HalfTensor.halfToFloat((short) bits), 0.0, Integer.toHexString(bits));
        }
    }

    @Test
    void roundingPicksTheNearestRepresentableValueTiesToEven() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) (random.nextDouble(-1, 1) * Math.pow(2, random.nextInt(-30, 18)));
            for (boolean bf16 : new boolean[]{false, true}) {
                short r = bf16 ? SafetensorsWriter.toBfloat16(f) : SafetensorsWriter.toHalf(f);
                double got = HalfTensor.toFloat(r, bf16);
                if (Double.isInfinite(got)) {
                    assertTrue(!bf16 && Math.abs(f) >= 65520, f + " overflows binary16 only past its largest value");
                    continue;
                }
                for (int step : new int[]{-1, 1}) { // the neighbours of the chosen value are no closer
                    double other = HalfTensor.toFloat((short) (r + step), bf16);
                    double dGot = Math.abs(got - f), dOther = Math.abs(other - f);
                    assertTrue(dGot < dOther || (dGot == dOther && (r & 1) == 0) || Double.isNaN(other) || Double.isInfinite(other)
                                    || Math.signum(other) != Math.signum(got) && got != 0,
                            (bf16 ? "BF16 " : "F16 ") + f + " -> " + got + ", but " + other + " is nearer");
                }
            }
        }
    }
}
