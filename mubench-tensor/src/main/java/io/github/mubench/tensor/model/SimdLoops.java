package io.github.mubench.tensor.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link BlasLlama}'s element-wise loops with the Vector API ({@code jdk.incubator.vector}), which C2 does not
 * vectorise by itself on Java 17: bfloat16 → float32 conversion (a widening shift), a softmax's maximum and the float
 * {@code exp} of softmax and SiLU; and attention's scores and mixes over keys and values stored transposed. Only
 * loaded where {@link Loops#simdAvailable()}. The element-wise methods give bit for bit what their scalar twins in
 * {@link Loops} give (same operations in the same order, no fused multiply-add; a softmax's sum is accumulated in
 * float lanes), tested; scores and mixes use fused multiply-adds and are tested against sums in double.
 */
final class SimdLoops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** As many 16-bit lanes as {@link #I} has 32-bit ones. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, jdk.incubator.vector.VectorShape.forBitSize(I.vectorBitSize() / 2));

    private SimdLoops() {
    }

    /**
     * Whether this JVM's Vector API reads vectors from a {@code ByteBuffer}: Java 17 and 18 do; from 19 on that
     * method is gone (for memory segments), and bfloat16 values go through an array first.
     */
    static final boolean BYTE_BUFFERS = Runtime.version().feature() < 19;

    /**
     * bfloat16 elements {@code [from, from + count)} of little-endian {@code src} as float32 into {@code dst[at..)},
     * read straight from the buffer (only where {@link #BYTE_BUFFERS}).
     */
    static void bf16ToFloats(ByteBuffer src, long from, int count, float[] dst, int at) {
        int base = Math.toIntExact(2 * from), i = 0;
        for (int bound = count - S.length(); i <= bound; i += S.length()) {
            ShortVector bits = ShortVector.fromByteBuffer(S, src, base + 2 * i, ByteOrder.LITTLE_ENDIAN);
            ((IntVector) bits.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats().intoArray(dst, at + i);
        }
        for (; i < count; i++) {
            dst[at + i] = Float.intBitsToFloat(src.getShort(base + 2 * i) << 16);
        }
    }

    /** bfloat16 bit patterns {@code bits[at..at + count)} as float32 into {@code dst[at..)}. */
    static void bf16ToFloats(short[] bits, int at, int count, float[] dst) {
        int i = 0;
        for (int bound = count - S.length(); i <= bound; i += S.length()) {
            ((IntVector) ShortVector.fromArray(S, bits, at + i).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, at + i);
        }
        for (; i < count; i++) {
            dst[at + i] = Float.intBitsToFloat(bits[at + i] << 16);
        }
    }

    /** Floats in one vector: the padding that {@link #scores} and {@link #mix} may read and write past {@code to}. */
    static final int LANES = F.length();

    /**
     * A query's attention scores: {@code scores[j] = scale · Σ_i q[i] · kt[i·stride + j]} for {@code j} in
     * {@code [from, to)}, over keys stored transposed ({@code kt}: {@code hd} rows of {@code stride} slots). Whole
     * vectors only: it reads and writes up to {@link #LANES} − 1 slots past {@code to}, so rows and {@code scores}
     * need that padding.
     */
    static void scores(float[] kt, int stride, float[] q, int hd, float scale, float[] scores, int from, int to) {
        int j = from;
        // four vectors of slots at a time: four independent chains of multiply-adds (one would wait on each add), and
        // each key row read 4 vectors at a stretch
        for (; j + 3 * LANES < to; j += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0, at = j; i < hd; i++, at += stride) {
                FloatVector qi = FloatVector.broadcast(F, q[i]);
                a0 = FloatVector.fromArray(F, kt, at).fma(qi, a0);
                a1 = FloatVector.fromArray(F, kt, at + LANES).fma(qi, a1);
                a2 = FloatVector.fromArray(F, kt, at + 2 * LANES).fma(qi, a2);
                a3 = FloatVector.fromArray(F, kt, at + 3 * LANES).fma(qi, a3);
            }
            a0.mul(scale).intoArray(scores, j);
            a1.mul(scale).intoArray(scores, j + LANES);
            a2.mul(scale).intoArray(scores, j + 2 * LANES);
            a3.mul(scale).intoArray(scores, j + 3 * LANES);
        }
        for (; j < to; j += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < hd; i++) {
                acc = FloatVector.fromArray(F, kt, i * stride + j).fma(FloatVector.broadcast(F, q[i]), acc);
            }
            acc.mul(scale).intoArray(scores, j);
        }
    }

    /**
     * A query's attention output: {@code out[i] = Σ_j p[j] · vt[i·stride + j]} for {@code j} in {@code [from, to)},
     * over values stored transposed; whole vectors, so {@code p} must be 0 (and {@code vt} finite) for
     * {@link #LANES} − 1 slots past {@code to}.
     */
    static void mix(float[] vt, int stride, float[] p, int from, int to, int hd, float[] out) {
        int i = 0;
        for (; i + 4 <= hd; i += 4) { // four rows at a time: four independent chains, each probability vector read once
            int b0 = i * stride, b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int j = from; j < to; j += LANES) {
                FloatVector pj = FloatVector.fromArray(F, p, j);
                a0 = FloatVector.fromArray(F, vt, b0 + j).fma(pj, a0);
                a1 = FloatVector.fromArray(F, vt, b1 + j).fma(pj, a1);
                a2 = FloatVector.fromArray(F, vt, b2 + j).fma(pj, a2);
                a3 = FloatVector.fromArray(F, vt, b3 + j).fma(pj, a3);
            }
            out[i] = a0.reduceLanes(VectorOperators.ADD);
            out[i + 1] = a1.reduceLanes(VectorOperators.ADD);
            out[i + 2] = a2.reduceLanes(VectorOperators.ADD);
            out[i + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
        for (; i < hd; i++) {
            int base = i * stride;
            FloatVector acc = FloatVector.zero(F);
            for (int j = from; j < to; j += LANES) {
                acc = FloatVector.fromArray(F, vt, base + j).fma(FloatVector.fromArray(F, p, j), acc);
            }
            out[i] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    /** {@link Math#max} of {@code a[from..to)}, as {@link Loops#max}. */
    static float max(float[] a, int from, int to) {
        int j = from;
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int bound = to - F.length(); j <= bound; j += F.length()) {
            max = max.max(FloatVector.fromArray(F, a, j));
        }
        float result = max.reduceLanes(VectorOperators.MAX);
        for (; j < to; j++) {
            result = Math.max(result, a[j]);
        }
        return result;
    }

    /**
     * {@code a[j] = exp(a[j] - shift)} for {@code j} in {@code [from, to)}, each as {@link FastExp#exp}; returns their
     * sum, accumulated in float lanes (it differs from {@link Loops}'s double sum by rounding only).
     */
    static double expShifted(float[] a, int from, int to, float shift) {
        int j = from;
        FloatVector sum = FloatVector.zero(F);
        for (int bound = to - F.length(); j <= bound; j += F.length()) {
            FloatVector e = exp(FloatVector.fromArray(F, a, j).sub(shift));
            e.intoArray(a, j);
            sum = sum.add(e);
        }
        double total = sum.reduceLanes(VectorOperators.ADD);
        for (; j < to; j++) {
            a[j] = FastExp.exp(a[j] - shift);
            total += a[j];
        }
        return total;
    }

    /** {@code gate[g + i] = silu(gate[g + i]) · up[u + i]} for {@code i < n}, as {@link Loops#siluTimes}. */
    static void siluTimes(float[] gate, int g, float[] up, int u, int n) {
        int i = 0;
        for (int bound = n - F.length(); i <= bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, gate, g + i);
            x.div(exp(x.neg()).add(1f)).mul(FloatVector.fromArray(F, up, u + i)).intoArray(gate, g + i);
        }
        for (; i < n; i++) {
            gate[g + i] = gate[g + i] / (1f + FastExp.exp(-gate[g + i])) * up[u + i];
        }
    }

    /** {@link FastExp#exp} lane by lane. */
    private static FloatVector exp(FloatVector x) {
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, FastExp.MIN_ARG), overflow = x.compare(VectorOperators.GT, FastExp.MAX_ARG);
        FloatVector y = x.max(FastExp.MIN_ARG).min(FastExp.MAX_ARG); // NaN stays NaN (max and min keep it)
        FloatVector shifted = y.mul(FastExp.LOG2E).add(FastExp.ROUNDER), n = shifted.sub(FastExp.ROUNDER);
        IntVector e = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(FastExp.ROUNDER));
        FloatVector r = y.sub(n.mul(FastExp.LN2_HI)).sub(n.mul(FastExp.LN2_LO));
        FloatVector p = r.mul(1f / 720).add(1f / 120).mul(r).add(1f / 24).mul(r).add(1f / 6).mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
        // 2^n as 2^⌊n/2⌋ · 2^⌈n/2⌉, both normal for every n here (−126..128): the product is rounded once, as FastExp's
        IntVector half = e.lanewise(VectorOperators.ASHR, 1);
        FloatVector low = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector high = e.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(low).mul(high).blend(0f, underflow).blend(Float.POSITIVE_INFINITY, overflow);
    }
}
