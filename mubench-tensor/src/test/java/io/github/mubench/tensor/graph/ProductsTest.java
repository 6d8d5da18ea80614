package io.github.mubench.tensor.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProductsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    private static double[][] random(int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = RANDOM.nextDouble(-1, 1);
            }
        }
        return a;
    }

    private static INDArray floats(double[][] a) {
        return Nd4j.createFromArray(a).castTo(DataType.FLOAT);
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** {@code a·b} in double precision. */
    private static double[][] product(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static void assertClose(double[][] expected, INDArray actual) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                assertEquals(expected[i][j], actual.getDouble(i, j), 1e-5, "at " + i + "," + j);
            }
        }
    }

    @Test
    void eachFormMatchesDoublePrecisionAndAccumulates() {
        int m = 7, k = 5, n = 3;
        double[][] a = random(m, k), b = random(k, n), c0 = random(m, n);
        double[][] expected = product(a, b), plusC = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                plusC[i][j] = expected[i][j] + c0[i][j];
            }
        }
        INDArray c = floats(c0);
        Products.times(floats(a), floats(b), c, true);
        assertClose(plusC, c);
        Products.times(floats(a), floats(b), c, false);
        assertClose(expected, c);
        Products.timesTransposed(floats(a), floats(transpose(b)), c, false);
        assertClose(expected, c);
        Products.transposedTimes(floats(transpose(a)), floats(b), c, false);
        assertClose(expected, c);
    }

    @Test
    void mismatchedShapesAndViewsAreRefused() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 3), b = Nd4j.zeros(DataType.FLOAT, 2, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> Products.times(a, b, Nd4j.zeros(DataType.FLOAT, 4, 5), false));
        assertEquals("product of [4, 3] and [2, 5] into [4, 5]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Products.timesTransposed(a, Nd4j.zeros(DataType.FLOAT, 5, 3), Nd4j.zeros(DataType.FLOAT, 4, 4), false));
        INDArray view = Nd4j.zeros(DataType.FLOAT, 3, 6).get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5));
        assertThrows(IllegalArgumentException.class, () -> Products.times(a, view, Nd4j.zeros(DataType.FLOAT, 4, 5), false));
        INDArray copy = Products.rowMajor(view);
        assertEquals(view, copy);
        assertSame(a, Products.rowMajor(a));
    }
}
