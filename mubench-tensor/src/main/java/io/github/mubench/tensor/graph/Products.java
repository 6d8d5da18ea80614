package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import io.github.mubench.tensor.model.SplitBlas;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Matrix products of 2-D row-major float arrays (each with memory of its own) into an existing result, by OpenBLAS
 * directly ({@link SplitBlas}): {@code c = op(a)·op(b)}, or {@code c += op(a)·op(b)} when accumulating. Why not
 * SameDiff's {@code matmul} or {@code Nd4j.gemm}: into a result allocated per call the same products ran at half the
 * speed or less (LlamaGraph's training step).
 */
final class Products {
    private Products() {
    }

    /** {@code c (+)= a·bᵀ}: {@code a [m, k]}, {@code b [n, k]}, {@code c [m, n]}. */
    static void timesTransposed(INDArray a, INDArray b, INDArray c, boolean accumulate) {
        product(a, false, b, true, c, accumulate);
    }

    /** {@code c (+)= a·b}: {@code a [m, k]}, {@code b [k, n]}, {@code c [m, n]}. */
    static void times(INDArray a, INDArray b, INDArray c, boolean accumulate) {
        product(a, false, b, false, c, accumulate);
    }

    /** {@code c (+)= aᵀ·b}: {@code a [k, m]}, {@code b [k, n]}, {@code c [m, n]}. */
    static void transposedTimes(INDArray a, INDArray b, INDArray c, boolean accumulate) {
        product(a, true, b, false, c, accumulate);
    }

    /** {@code a} itself where OpenBLAS can read its memory as it is (row-major, its own), else a row-major copy. */
    static INDArray rowMajor(INDArray a) {
        return a.isView() || a.ordering() != 'c' || a.offset() != 0 ? a.dup('c') : a;
    }

    private static void product(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c, boolean accumulate) {
        long m = a.size(ta ? 1 : 0), k = a.size(ta ? 0 : 1), kb = b.size(tb ? 1 : 0), n = b.size(tb ? 0 : 1);
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2 || k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("product of " + Arrays.toString(a.shape()) + (ta ? "ᵀ" : "") + " and "
                    + Arrays.toString(b.shape()) + (tb ? "ᵀ" : "") + " into " + Arrays.toString(c.shape()));
        }
        SplitBlas.gemm(ta, tb, (int) m, (int) n, (int) k, BlasAttention.floats(a), (int) a.size(1),
                BlasAttention.floats(b), (int) b.size(1), accumulate ? 1f : 0f, BlasAttention.floats(c), (int) n);
    }
}
