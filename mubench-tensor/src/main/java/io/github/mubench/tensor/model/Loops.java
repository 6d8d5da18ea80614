package io.github.mubench.tensor.model;

/**
 * {@link BlasLlama}'s element-wise loops that dominate where BLAS does not: a softmax's maximum and exponentials, SiLU, and
 * bfloat16 weights converted to float32. Plain Java, or the Vector API ({@link SimdLoops}) where the JVM was started
 * with {@code --add-modules jdk.incubator.vector}: Java 17's C2 vectorises none of these loops by itself.
 */
final class Loops {
    /** The incubating module that {@link SimdLoops} needs. */
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final Loops SCALAR = new Loops(false), SIMD = new Loops(true);

    private final boolean simd;

    private Loops(boolean simd) {
        this.simd = simd;
    }

    /** Whether this JVM can run {@link SimdLoops} (it resolved the module: {@code --add-modules jdk.incubator.vector}). */
    static boolean simdAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** {@link #SIMD} where available, else {@link #SCALAR}. */
    static Loops best() {
        return simdAvailable() ? SIMD : SCALAR;
    }

    /** {@link #SIMD}, or an error saying which JVM option it needs. */
    static Loops simd() {
        if (!simdAvailable()) {
            throw new IllegalArgumentException(Kernels.PROPERTY + "=vector needs the JVM option --add-modules " + VECTOR_MODULE
                    + " (Java 17+); without it use -D" + Kernels.PROPERTY + "=blas");
        }
        return SIMD;
    }

    boolean isSimd() {
        return simd;
    }

    /** Elements {@code [from, from + count)} of {@code weight} as float32 into {@code out[at..)} ({@code bits}: scratch). */
    void toFloats(HalfTensor weight, long from, int count, float[] out, short[] bits, int at) {
        if (simd && weight.bf16() && SimdLoops.BYTE_BUFFERS) {
            SimdLoops.bf16ToFloats(weight.bytes(), from, count, out, at);
        } else if (simd && weight.bf16()) {
            weight.bits(from, count, bits, at);
            SimdLoops.bf16ToFloats(bits, at, count, out);
        } else {
            weight.toFloats(from, count, out, bits, at);
        }
    }

    /** {@link Math#max} of {@code a[from..to)} (NaN if any is NaN; −∞ if empty). */
    float max(float[] a, int from, int to) {
        if (simd) {
            return SimdLoops.max(a, from, to);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = from; j < to; j++) {
            max = Math.max(max, a[j]);
        }
        return max;
    }

    /**
     * Softmax of {@code a[from..to)} in place (shifted by the maximum: −∞ gives exactly 0, NaN wins); returns
     * {@code log Σ exp(a[j])} of the values it was given.
     */
    double softmax(float[] a, int from, int to) {
        float max = max(a, from, to);
        double sum = expShifted(a, from, to, max);
        float inv = (float) (1.0 / sum);
        for (int j = from; j < to; j++) {
            a[j] *= inv;
        }
        return max + Math.log(sum);
    }

    /** {@code a[j] = exp(a[j] - shift)} for {@code j} in {@code [from, to)} ({@link FastExp}); returns their sum. */
    double expShifted(float[] a, int from, int to, float shift) {
        if (simd) {
            return SimdLoops.expShifted(a, from, to, shift);
        }
        double sum = 0;
        for (int j = from; j < to; j++) {
            float e = FastExp.exp(a[j] - shift); // exactly 0 at −∞
            a[j] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code gate[g + i] = silu(gate[g + i]) · up[u + i]} for {@code i < n}. */
    void siluTimes(float[] gate, int g, float[] up, int u, int n) {
        if (simd) {
            SimdLoops.siluTimes(gate, g, up, u, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            gate[g + i] = gate[g + i] / (1f + FastExp.exp(-gate[g + i])) * up[u + i];
        }
    }

    /**
     * The gradients of {@code silu(g)·u} into {@code row[i]} (with respect to the gate) and {@code row[n + i]} (the up
     * projection) for {@code i < n}, from {@code g = row[i]}, {@code u = row[n + i]} and the output's gradient
     * {@code d = row[2n + i]}: with {@code s = σ(g)}, {@code d·u·s·(1 + g·(1 − s))} and {@code d·g·s}.
     */
    void siluTimesBackward(float[] row, int n) {
        if (simd) {
            SimdLoops.siluTimesBackward(row, n);
        } else {
            siluTimesBackwardScalar(row, n, 0);
        }
    }

    /** {@link #siluTimesBackward} from element {@code from} on, in plain Java (the vector loop's tail, too). */
    static void siluTimesBackwardScalar(float[] row, int n, int from) {
        for (int i = from; i < n; i++) {
            float g = row[i], u = row[n + i], d = row[2 * n + i];
            float s = 1f / (1f + FastExp.exp(-g));
            row[i] = d * u * s * (g * (1f - s) + 1f);
            row[n + i] = d * g * s;
        }
    }

    @Override
    public String toString() {
        return simd ? "vector" : "scalar";
    }
}
