package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;

import static io.github.mubench.tensor.model.BlasAttention.at;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * OpenBLAS's row-major matrix product with its output rows or columns split between {@link Workers}, each part one
 * OpenBLAS call on one thread ({@link BlasThreads}). Why not OpenBLAS's own threads: after a call they spin, yielding
 * the CPU in a loop, for up to 2²⁸ cycles (OpenBLAS's default timeout) on the same cores where the Java loops between
 * products run on {@link Workers}. A 56M training step (B 4 × T 128) spent 16% of its perf samples in the kernel's
 * scheduler for those yields, 10 of its 48 CPU-seconds in the kernel over 30 steps; with its products split here, 2.
 * The step took 0.44–0.45 s against 0.47–0.50 (three runs each, alternating; README, Performance). A product too small
 * to be worth splitting runs on the caller, OpenBLAS still held to one thread, so that OpenBLAS's own threads stay
 * asleep.
 * <p>
 * OpenBLAS's thread count is global: while one caller holds it, another's OpenBLAS calls (a batch-1 GEMV on another
 * request's thread, say) run on one thread too: slower, not different.
 */
public final class SplitBlas {
    /** Multiply-adds from which a product is split: 8.4 MFLOP, about 40 µs on one core of this machine. */
    static final long PARALLEL_MACS = 1L << 22;

    private SplitBlas() {
    }

    /**
     * {@code c [m, n] (ldc) = beta·c + op(a)·op(b)}, row-major: {@code op(a) [m, k]} is {@code a [m, k]} (lda) or, when
     * {@code transA}, {@code a [k, m]}ᵀ; {@code op(b) [k, n]} is {@code b [k, n]} (ldb) or, when {@code transB},
     * {@code b [n, k]}ᵀ. Split by rows of the output where it has more rows than columns, else by columns: each part
     * packs the whole of the other factor for OpenBLAS's kernel, so the split packs the smaller one once per part
     * (the LM head's weight gradient, {@code [V, d]} from {@code [T, V]ᵀ·[T, d]}, would otherwise pack {@code [T, V]}
     * per part).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda,
                            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        int parts = (long) m * n * k < PARALLEL_MACS ? 1 : Math.min(Workers.threads(), Math.max(m, n));
        gemm(parts, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
    }

    /**
     * {@link #gemm} in {@code parts} near-equal ranges of output rows or columns (at most {@code max(m, n)}), each one
     * OpenBLAS call on one thread; parts beyond the {@link Workers}' threads run on the caller.
     */
    static void gemm(int parts, boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda,
                     FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        int ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
        boolean byRows = m > n;
        int length = byRows ? m : n;
        BlasThreads.hold();
        try {
            Workers.run(parts, part -> {
                int first = (int) ((long) length * part / parts);
                int count = (int) ((long) length * (part + 1) / parts) - first;
                if (byRows) { // rows of op(a) and of c
                    cblas_sgemm(CblasRowMajor, ta, tb, count, n, k, 1f, at(a, transA ? first : (long) first * lda), lda,
                            b, ldb, beta, at(c, (long) first * ldc), ldc);
                } else { // columns of op(b) and of c
                    cblas_sgemm(CblasRowMajor, ta, tb, m, count, k, 1f, a, lda,
                            at(b, transB ? (long) first * ldb : first), ldb, beta, at(c, first), ldc);
                }
            });
        } finally {
            BlasThreads.release();
        }
    }
}
