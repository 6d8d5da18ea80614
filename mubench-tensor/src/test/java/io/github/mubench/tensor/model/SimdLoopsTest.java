package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API loops against their plain-Java twins, element by element and bit for bit (the JVM of the tests
 * has {@code --add-modules jdk.incubator.vector}; see the root pom), over every range boundary of {@link FastExp}, with
 * lengths that leave a scalar tail.
 */
class SimdLoopsTest {
    @Test
    void theTestJvmHasTheVectorApi() {
        assertTrue(Loops.simdAvailable(), "surefire's argLine gives --add-modules jdk.incubator.vector");
        assertEquals("vector", Loops.best().toString());
    }

    /** Inputs that cross FastExp's branches: −∞, flushed, the clamp limits and their neighbours, overflow, NaN. */
    private static float[] inputs() {
        float[] special = {Float.NEGATIVE_INFINITY, -1e9f, -90f, Math.nextDown(FastExp.MIN_ARG), FastExp.MIN_ARG,
                Math.nextUp(FastExp.MIN_ARG), -87.3f, -0f, 0f, 1e-30f, 0.5f, 88f, Math.nextDown(FastExp.MAX_ARG), FastExp.MAX_ARG,
                Math.nextUp(FastExp.MAX_ARG), 89f, Float.POSITIVE_INFINITY, Float.NaN};
        SplittableRandom random = new SplittableRandom(7);
        float[] all = new float[special.length + 40_003];
        System.arraycopy(special, 0, all, 0, special.length);
        for (int i = special.length; i < all.length; i++) {
            all[i] = (float) random.nextDouble(-100, 100);
        }
        return all;
    }

    @Test
    void exponentialsEqualTheScalarOnesBitForBitAndTheirSumToRounding() {
        float[] x = inputs();
        for (float shift : new float[]{0f, 0.25f}) { // 0: the range limits themselves reach exp
            float[] scalar = x.clone(), simd = x.clone();
            int from = 0, to = x.length - 5; // a tail
            double want = Loops.SCALAR.expShifted(scalar, from, to, shift), got = Loops.SIMD.expShifted(simd, from, to, shift);
            for (int j = 0; j < x.length; j++) {
                assertEquals(Float.floatToIntBits(scalar[j]), Float.floatToIntBits(simd[j]), "exp(" + x[j] + " - " + shift + ") at " + j);
            }
            assertTrue(Double.isNaN(want) && Double.isNaN(got), "the NaN input makes both sums NaN");
        }
        float[] finite = new float[1001];
        for (int j = 0; j < finite.length; j++) {
            finite[j] = -j / 50f;
        }
        float[] a = finite.clone(), b = finite.clone();
        double sa = Loops.SCALAR.expShifted(a, 0, a.length, 0f), sb = Loops.SIMD.expShifted(b, 0, b.length, 0f);
        assertEquals(sa, sb, 1e-6 * sa, "sums of a softmax row");
    }

    @Test
    void maximaEqualTheScalarOnesSignedZerosAndNaNIncluded() {
        float[] x = inputs(); // the NaN sits at index 17
        int[][] ranges = {{0, x.length}, {18, x.length}, {18, x.length - 3}, {5, 9}, {3, 3}, {18, 50}};
        for (int[] r : ranges) {
            assertEquals(Float.floatToIntBits(Loops.SCALAR.max(x, r[0], r[1])), Float.floatToIntBits(Loops.SIMD.max(x, r[0], r[1])),
                    "max of [" + r[0] + ", " + r[1] + ")");
        }
        float[] zeros = new float[37];
        zeros[20] = -0f;
        java.util.Arrays.fill(zeros, 0, 20, -0f);
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(Loops.SIMD.max(zeros, 0, zeros.length)));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(Loops.SCALAR.max(zeros, 0, zeros.length)));
        assertTrue(Float.isNaN(Loops.SIMD.max(x, 0, x.length)));
        assertEquals(Float.NEGATIVE_INFINITY, Loops.SIMD.max(x, 4, 4));
    }

    @Test
    void siluTimesEqualsTheScalarLoopBitForBit() {
        float[] g = inputs(), up = new float[g.length];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < up.length; i++) {
            up[i] = (float) random.nextDouble(-3, 3);
        }
        float[] scalar = g.clone(), simd = g.clone();
        int n = g.length - 7, at = 3, upAt = 5; // offsets off a vector's boundary
        Loops.SCALAR.siluTimes(scalar, at, up, upAt, n);
        Loops.SIMD.siluTimes(simd, at, up, upAt, n);
        for (int i = 0; i < g.length; i++) {
            assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(simd[i]), "silu(" + g[i] + ") · up at " + i);
        }
        assertEquals(g[at - 1], simd[at - 1], "before the range: untouched");
        assertEquals(g[at] / (1f + FastExp.exp(-g[at])) * up[upAt], scalar[at], "the first element pairs gate[at] with up[upAt]");
    }

    @Test
    void siluTimesBackwardEqualsTheScalarLoopBitForBit() {
        float[] g = inputs();
        int n = g.length;
        SplittableRandom random = new SplittableRandom(13);
        float[] row = new float[3 * n];
        for (int i = 0; i < n; i++) {
            row[i] = g[i];
            row[n + i] = (float) random.nextDouble(-3, 3);
            row[2 * n + i] = (float) random.nextDouble(-1, 1);
        }
        float[] scalar = row.clone(), simd = row.clone();
        Loops.SCALAR.siluTimesBackward(scalar, n);
        Loops.SIMD.siluTimesBackward(simd, n);
        for (int i = 0; i < 2 * n; i++) {
            assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(simd[i]), "gradient " + i + " at gate " + g[i % n]);
        }
    }

    /**
     * Scores (of one query, and of two at once) and mixes over blocked keys and values against sums in double, on ranges that start and end inside a
     * block; scores outside the range may be written, probabilities outside it are 0, and the layout is
     * {@link SimdLoops#slotAt}'s: element {@code i} of slot {@code j} at {@code slotAt(j, hd) + i · LANES}.
     */
    @Test
    void attentionScoresAndMixesEqualDoubleSums() {
        SplittableRandom random = new SplittableRandom(11);
        for (int hd : new int[]{8, 64, 5, 12}) {
            int slots = 150, lanes = SimdLoops.LANES, length = SimdLoops.blockedLength(slots, hd);
            assertEquals(((slots + lanes - 1) / lanes) * lanes * hd, length);
            float[] k = new float[length], v = new float[length], q = new float[hd];
            double[][] kd = new double[hd][slots], vd = new double[hd][slots];
            for (int i = 0; i < hd; i++) {
                q[i] = (float) random.nextDouble(-1, 1);
                for (int j = 0; j < slots; j++) {
                    k[SimdLoops.slotAt(j, hd) + i * lanes] = (float) (kd[i][j] = (float) random.nextDouble(-1, 1));
                    v[SimdLoops.slotAt(j, hd) + i * lanes] = (float) (vd[i][j] = (float) random.nextDouble(-1, 1));
                }
            }
            for (int[] range : new int[][]{{0, slots}, {17, slots}, {3, 40}, {10, 11}, {5, 5}, {0, 4 * lanes}, {lanes + 1, 3 * lanes}}) {
                int from = range[0], to = range[1];
                float[] scores = new float[slots + BlasKvCache.VECTOR_PADDING], out = new float[hd], p = new float[scores.length];
                for (int j = from; j < to; j++) {
                    p[j] = (float) random.nextDouble(0, 1);
                }
                float[] q2 = new float[hd], pairFirst = new float[scores.length], pairSecond = new float[scores.length];
                for (int i = 0; i < hd; i++) {
                    q2[i] = (float) random.nextDouble(-1, 1);
                }
                SimdLoops.scores(k, q, hd, 0.125f, scores, from, to);
                SimdLoops.scores(k, q, q2, hd, 0.125f, pairFirst, pairSecond, from, to);
                SimdLoops.mix(v, p, from, to, hd, out);
                for (int j = from; j < to; j++) {
                    double want = 0, want2 = 0;
                    for (int i = 0; i < hd; i++) {
                        want += (double) q[i] * kd[i][j];
                        want2 += (double) q2[i] * kd[i][j];
                    }
                    String where = "hd " + hd + " score " + j + " of [" + from + ", " + to + ")";
                    assertEquals(want * 0.125, scores[j], 1e-5, where);
                    assertEquals(want * 0.125, pairFirst[j], 1e-5, "pair's first, " + where);
                    assertEquals(want2 * 0.125, pairSecond[j], 1e-5, "pair's second, " + where);
                }
                for (int i = 0; i < hd; i++) {
                    double want = 0;
                    for (int j = from; j < to; j++) {
                        want += (double) p[j] * vd[i][j];
                    }
                    assertEquals(want, out[i], 1e-5, "hd " + hd + " output " + i + " of [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void blocksHoldEverySlotsElementsOnceAndInOrder() {
        int hd = 3, lanes = SimdLoops.LANES, slots = 2 * lanes + 1;
        boolean[] used = new boolean[SimdLoops.blockedLength(slots, hd)];
        for (int j = 0; j < slots; j++) {
            for (int i = 0; i < hd; i++) {
                int at = SimdLoops.slotAt(j, hd) + i * lanes;
                assertTrue(!used[at], "slot " + j + " element " + i + " shares " + at);
                used[at] = true;
            }
        }
        assertEquals(hd * lanes + 1, SimdLoops.slotAt(lanes + 1, hd), "slot LANES + 1 is the second of the second block");
    }

    @Test
    void bfloat16ConversionEqualsTheScalarOneForEveryBitPattern() {
        int n = 1 << 16; // every 16-bit pattern once, NaNs and infinities included
        ByteBuffer bytes = ByteBuffer.allocateDirect(2 * (n + 3)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n + 3; i++) {
            bytes.putShort(2 * i, (short) i);
        }
        HalfTensor t = new HalfTensor(true, new long[]{n + 3}, bytes);
        int from = 3, count = n - 1, at = 5; // unaligned in both arrays, with a tail
        float[] scalar = new float[count + at], simd = new float[count + at];
        short[] bits = new short[count + at];
        Loops.SCALAR.toFloats(t, from, count, scalar, bits, at);
        float[] fromArray = new float[count + at]; // the route of Java 19 and later, whose Vector API reads no ByteBuffer
        SimdLoops.bf16ToFloats(bits, at, count, fromArray);
        Loops.SIMD.toFloats(t, from, count, simd, new short[count + at], at);
        for (int i = 0; i < scalar.length; i++) {
            assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(simd[i]), "element " + i);
            assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(fromArray[i]), "element " + i + " through an array");
        }
    }
}
