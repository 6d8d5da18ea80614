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
 * {@code exp} of softmax and SiLU; and attention's scores and mixes over keys and values stored in blocks
 * ({@link #slotAt}). Only loaded where {@link Loops#simdAvailable()}. The element-wise methods give bit for bit what
 * their scalar twins in {@link Loops} give (same operations in the same order, fused multiply-adds only where the twin
 * calls {@link Math#fma}; a softmax's sum is accumulated in float lanes), tested; scores and mixes use fused
 * multiply-adds and are tested against sums in double.
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

    /** Floats in one vector, and slots in one block of the {@link #slotAt blocked} keys and values. */
    static final int LANES = F.length();

    /**
     * Where slot {@code slot}'s first element lies in one KV head's keys or values on the heap, laid out in blocks of
     * {@link #LANES} slots: a block holds {@code hd} rows of {@code LANES} slots, so element {@code i} of a slot is
     * {@code i · LANES} further on. A query's keys are then one contiguous stretch of memory that the hardware
     * prefetcher follows (as {@code [hd][capacity]} rows they were {@code hd} short streams: stories260K decoding at
     * batch 64 waited on memory twice as long, in a probe).
     */
    static int slotAt(int slot, int hd) {
        return (slot / LANES * hd) * LANES + slot % LANES;
    }

    /** Floats of one KV head's {@link #slotAt blocked} keys or values for {@code capacity} slots: whole blocks. */
    static int blockedLength(int capacity, int hd) {
        return (capacity + LANES - 1) / LANES * hd * LANES;
    }

    /**
     * A query's attention scores: {@code scores[j] = scale · Σ_i q[i] · k[slotAt(j, hd) + i · LANES]} for {@code j} in
     * {@code [from, to)}, over {@link #slotAt blocked} keys. Whole blocks only: it also writes the scores of the slots
     * before {@code from} and from {@code to} on in their blocks, so {@code scores} runs to the end of the block of
     * slot {@code to − 1}.
     */
    static void scores(float[] k, float[] q, int hd, float scale, float[] scores, int from, int to) {
        int j = from - from % LANES, block = hd * LANES;
        // four blocks at a time: four independent chains of multiply-adds (one would wait on each add)
        for (; j + 3 * LANES < to; j += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0, at = j / LANES * block; i < hd; i++, at += LANES) {
                FloatVector qi = FloatVector.broadcast(F, q[i]);
                a0 = FloatVector.fromArray(F, k, at).fma(qi, a0);
                a1 = FloatVector.fromArray(F, k, at + block).fma(qi, a1);
                a2 = FloatVector.fromArray(F, k, at + 2 * block).fma(qi, a2);
                a3 = FloatVector.fromArray(F, k, at + 3 * block).fma(qi, a3);
            }
            a0.mul(scale).intoArray(scores, j);
            a1.mul(scale).intoArray(scores, j + LANES);
            a2.mul(scale).intoArray(scores, j + 2 * LANES);
            a3.mul(scale).intoArray(scores, j + 3 * LANES);
        }
        for (; j < to; j += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0, at = j / LANES * block; i < hd; i++, at += LANES) {
                acc = FloatVector.fromArray(F, k, at).fma(FloatVector.broadcast(F, q[i]), acc);
            }
            acc.mul(scale).intoArray(scores, j);
        }
    }

    /**
     * {@link #scores} of two queries over the same keys (two query heads of one KV head, under grouped-query
     * attention) into {@code scores} and {@code scores2}: each key vector is loaded once for both, two blocks at a time
     * (four chains). In a probe (stories260K's shape, 130 slots) a pair took 190–370 ns where two single calls took
     * 310–530.
     */
    static void scores(float[] k, float[] q, float[] q2, int hd, float scale, float[] scores, float[] scores2, int from, int to) {
        int j = from - from % LANES, block = hd * LANES;
        for (; j + LANES < to; j += 2 * LANES) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
            for (int i = 0, at = j / LANES * block; i < hd; i++, at += LANES) {
                FloatVector k0 = FloatVector.fromArray(F, k, at), k1 = FloatVector.fromArray(F, k, at + block);
                FloatVector qi = FloatVector.broadcast(F, q[i]), ri = FloatVector.broadcast(F, q2[i]);
                a0 = k0.fma(qi, a0);
                a1 = k1.fma(qi, a1);
                b0 = k0.fma(ri, b0);
                b1 = k1.fma(ri, b1);
            }
            a0.mul(scale).intoArray(scores, j);
            a1.mul(scale).intoArray(scores, j + LANES);
            b0.mul(scale).intoArray(scores2, j);
            b1.mul(scale).intoArray(scores2, j + LANES);
        }
        if (j < to) { // one block left
            FloatVector a = FloatVector.zero(F), b = a;
            for (int i = 0, at = j / LANES * block; i < hd; i++, at += LANES) {
                FloatVector kv = FloatVector.fromArray(F, k, at);
                a = kv.fma(FloatVector.broadcast(F, q[i]), a);
                b = kv.fma(FloatVector.broadcast(F, q2[i]), b);
            }
            a.mul(scale).intoArray(scores, j);
            b.mul(scale).intoArray(scores2, j);
        }
    }

    /**
     * A query's attention output: {@code out[i] = Σ_j p[j] · v[slotAt(j, hd) + i · LANES]} for {@code j} in
     * {@code [from, to)}, over {@link #slotAt blocked} values. Whole blocks: {@code p} must be 0 (and {@code v}
     * finite) for the other slots of the blocks of {@code from} and {@code to}.
     */
    static void mix(float[] v, float[] p, int from, int to, int hd, float[] out) {
        int first = from - from % LANES, block = hd * LANES, i = 0;
        // eight rows at a time: eight independent chains, each probability vector read once, a block's rows in order
        for (; i + 8 <= hd; i += 8) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int j = first, at = first / LANES * block + i * LANES; j < to; j += LANES, at += block) {
                FloatVector pj = FloatVector.fromArray(F, p, j);
                a0 = FloatVector.fromArray(F, v, at).fma(pj, a0);
                a1 = FloatVector.fromArray(F, v, at + LANES).fma(pj, a1);
                a2 = FloatVector.fromArray(F, v, at + 2 * LANES).fma(pj, a2);
                a3 = FloatVector.fromArray(F, v, at + 3 * LANES).fma(pj, a3);
                a4 = FloatVector.fromArray(F, v, at + 4 * LANES).fma(pj, a4);
                a5 = FloatVector.fromArray(F, v, at + 5 * LANES).fma(pj, a5);
                a6 = FloatVector.fromArray(F, v, at + 6 * LANES).fma(pj, a6);
                a7 = FloatVector.fromArray(F, v, at + 7 * LANES).fma(pj, a7);
            }
            out[i] = a0.reduceLanes(VectorOperators.ADD);
            out[i + 1] = a1.reduceLanes(VectorOperators.ADD);
            out[i + 2] = a2.reduceLanes(VectorOperators.ADD);
            out[i + 3] = a3.reduceLanes(VectorOperators.ADD);
            out[i + 4] = a4.reduceLanes(VectorOperators.ADD);
            out[i + 5] = a5.reduceLanes(VectorOperators.ADD);
            out[i + 6] = a6.reduceLanes(VectorOperators.ADD);
            out[i + 7] = a7.reduceLanes(VectorOperators.ADD);
        }
        for (; i < hd; i++) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = first, at = first / LANES * block + i * LANES; j < to; j += LANES, at += block) {
                acc = FloatVector.fromArray(F, v, at).fma(FloatVector.fromArray(F, p, j), acc);
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

    /**
     * The gradients of {@code silu(g)·u} into {@code row[i]} (gate) and {@code row[n + i]} (up) from {@code g = row[i]},
     * {@code u = row[n + i]} and the output's gradient {@code d = row[2n + i]}, as {@link Loops#siluTimesBackward}.
     */
    static void siluTimesBackward(float[] row, int n) {
        int i = 0;
        for (int bound = n - F.length(); i <= bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, row, i), u = FloatVector.fromArray(F, row, n + i), d = FloatVector.fromArray(F, row, 2 * n + i);
            FloatVector s = FloatVector.broadcast(F, 1f).div(exp(g.neg()).add(1f));
            d.mul(u).mul(s).mul(g.mul(FloatVector.broadcast(F, 1f).sub(s)).add(1f)).intoArray(row, i);
            d.mul(g).mul(s).intoArray(row, n + i);
        }
        Loops.siluTimesBackwardScalar(row, n, i);
    }

    /**
     * {@link FastExp#exp} lane by lane. The clamps are compares and blends, not {@code max}/{@code min}, whose
     * {@link Math#max} semantics (NaN, −0) cost several instructions each on AVX2. NaN lanes are kept NaN at the end
     * (the exponent addition would not) by adding {@code y − y}, not by a blend on {@code test(IS_NAN)}: in a Java 17
     * JVM on an AVX-512 machine C2 left that blend to the Vector API's Java fallback wherever {@code exp} was inlined
     * into attention's softmax (a profile of the training step found 12% of its Java samples there), and dropping it
     * took stories260K's decoding at batch 64 to 0.81× the time and the 56M training step to ~0.9×.
     */
    private static FloatVector exp(FloatVector x) {
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, FastExp.MIN_ARG), overflow = x.compare(VectorOperators.GT, FastExp.MAX_ARG);
        FloatVector y = x.blend(FastExp.MIN_ARG, underflow).blend(FastExp.MAX_ARG, overflow);
        FloatVector shifted = y.fma(FastExp.LOG2E, FastExp.ROUNDER), n = shifted.sub(FastExp.ROUNDER);
        IntVector e = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(FastExp.ROUNDER));
        FloatVector r = n.fma(FloatVector.broadcast(F, -FastExp.LN2_HI), y);
        r = n.fma(FloatVector.broadcast(F, -FastExp.LN2_LO), r);
        FloatVector p = r.fma(1f / 720, 1f / 120);
        p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(F, 0.5f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        FloatVector scaled = p.reinterpretAsInts().add(e.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        // y − y is +0 but for NaN, which the sum carries; scaled is never −0, so adding +0 keeps its bits
        return scaled.blend(0f, underflow).blend(Float.POSITIVE_INFINITY, overflow).add(y.sub(y));
    }
}
