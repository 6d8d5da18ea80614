package io.github.mubench.tensor.model;

/**
 * {@code exp} in float precision for the softmax and SiLU loops of {@link BlasLlama}, where {@link Math#exp} (a double
 * intrinsic) was two thirds of a causal prefill's time on small models. Range reduction to {@code x = n·ln2 + r},
 * {@code |r| ≤ ln2/2}, then a degree-6 Taylor polynomial for {@code e^r} (truncation error below 1.2e-7 relative)
 * scaled by {@code 2^n}; within 3 ulp (4e-7 relative) of the correctly rounded float result, tested. Results below the smallest
 * normal float are 0, like PyTorch's vectorised exp with flush-to-zero.
 *
 * <p>Every step is a fused multiply-add (one rounding each, the same in {@link Math#fma} and the Vector API's, so
 * {@link SimdLoops}' lanes give these bits), and {@code 2^n} is applied by adding {@code n} to {@code p}'s exponent
 * field: exact, and two integer operations where a product of two powers of two (n reaches 128) took eight. It stays
 * within normal floats: at {@code n = −126}, {@code x ≥ MIN_ARG} makes {@code r ≥ 0} and {@code p ≥ 1}; at
 * {@code n = 128}, {@code x ≤ MAX_ARG} makes {@code r < 0} and {@code p < 1}. Together this halved the vector
 * exponential's time (a probe: 1.6 → 1.05 ns an element), which attention's softmax spends most of its time in.
 * {@link Math#fma} is fast only where the CPU has fused multiply-add (x86 since Haswell and Zen, every AArch64): without
 * it the JDK computes it exactly in software, many times slower.
 */
final class FastExp {
    static final float LOG2E = 1.44269504088896341f;
    // ln 2 split in two so that n·LN2_HI is exact for |n| < 2^9
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    static final float ROUNDER = 12582912f;
    static final float MIN_ARG = -87.33654f, MAX_ARG = 88.72283f;

    private FastExp() {
    }

    static float exp(float x) {
        if (!(x >= MIN_ARG)) {
            return x != x ? x : 0f; // NaN stays NaN; underflow (−∞ included) is 0
        }
        if (x > MAX_ARG) {
            return Float.POSITIVE_INFINITY;
        }
        // round x·log2(e) to the nearest integer n by adding 1.5·2^23: n lands in the low mantissa bits
        float shifted = Math.fma(x, LOG2E, ROUNDER), n = shifted - ROUNDER;
        int e = Float.floatToRawIntBits(shifted) - Float.floatToRawIntBits(ROUNDER);
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, 1f / 720, 1f / 120), r, 1f / 24), r, 1f / 6), r, 0.5f), r, 1f), r, 1f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(p) + (e << 23)); // p · 2^n, see the class comment
    }
}
