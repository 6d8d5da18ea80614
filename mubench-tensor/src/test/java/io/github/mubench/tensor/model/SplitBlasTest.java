package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitBlasTest {
    /**
     * Every transposition, overwriting and accumulating, in one part and split unevenly by columns (more of them than
     * rows) and by rows (the other way round), into parts that do not divide them (on 2-core machines more parts than
     * threads: some run on the caller), with leading dimensions wider than the matrices and pointers that do not start
     * at their memory's first float: each output against the product summed in double, the columns outside the
     * output untouched, and every hold on OpenBLAS's threads released.
     */
    @Test
    void splitProductsEqualDoubleSums() {
        SplittableRandom random = new SplittableRandom(5);
        for (int[] shape : new int[][]{{13, 41}, {41, 13}}) {
            for (boolean transA : new boolean[]{false, true}) {
                for (boolean transB : new boolean[]{false, true}) {
                    for (float beta : new float[]{0f, 1f}) {
                        for (int parts : new int[]{1, 2, 5}) {
                            check(random, shape[0], shape[1], 29, transA, transB, beta, parts);
                        }
                    }
                }
            }
        }
    }

    private static void check(SplittableRandom random, int m, int n, int k, boolean transA, boolean transB, float beta, int parts) {
        int pad = 3, rowsA = transA ? k : m, colsA = transA ? m : k, rowsB = transB ? n : k, colsB = transB ? k : n;
        int lda = colsA + pad, ldb = colsB + pad, ldc = n + pad;
        float[] a = fill(random, rowsA * lda), b = fill(random, rowsB * ldb), c = fill(random, m * ldc);
        FloatPointer out = shifted(c);
        SplitBlas.gemm(parts, transA, transB, m, n, k, shifted(a), lda, shifted(b), ldb, beta, out, ldc);
        assertEquals(0, BlasThreads.holders(), "holds left");
        String where = m + "x" + n + ", transA " + transA + ", transB " + transB + ", beta " + beta + ", " + parts + " parts";
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                double want = c[i * ldc + j];
                if (j < n) {
                    double sum = beta * want;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[transA ? p * lda + i : i * lda + p] * b[transB ? j * ldb + p : p * ldb + j];
                    }
                    want = sum;
                }
                assertEquals(want, out.get((long) i * ldc + j), 1e-5, where + ", c[" + i + "][" + j + "]");
            }
        }
    }

    /** A product large enough to be split goes through the public entry the same: {@code a·bᵀ} against double sums. */
    @Test
    void largeProductEqualsDoubleSums() {
        SplittableRandom random = new SplittableRandom(6);
        int m = 40, n = 333, k = 320;
        assertTrue((long) m * n * k >= SplitBlas.PARALLEL_MACS, "large enough to be split");
        float[] a = fill(random, m * k), b = fill(random, n * k);
        FloatPointer c = new FloatPointer((long) m * n);
        SplitBlas.gemm(false, true, m, n, k, new FloatPointer(a), k, new FloatPointer(b), k, 0f, c, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int p = 0; p < k; p++) {
                    want += (double) a[i * k + p] * b[j * k + p];
                }
                assertEquals(want, c.get((long) i * n + j), 1e-4, "c[" + i + "][" + j + "]");
            }
        }
        assertEquals(0, BlasThreads.holders(), "holds left");
    }

    /** {@code x} copied to native memory 7 floats in, pointed at from there (position 7, from which {@code get} counts). */
    private static FloatPointer shifted(float[] x) {
        FloatPointer p = new FloatPointer(x.length + 7L);
        p.position(7).put(x); // from the position on
        return p;
    }

    private static float[] fill(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
