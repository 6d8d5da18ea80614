package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-pass AdamW's bookkeeping (its arithmetic is checked against {@code torch.optim.AdamW} by mubench-unlearn's
 * {@code AdamWTest}): arrays it cannot read flat are refused, and an update split into several slices (as a parameter
 * of more than 2²⁹ floats is, one direct buffer each) gives the same bits as one slice.
 */
class FusedAdamWTest {
    private static final FusedAdamW.Scalars SCALARS = new FusedAdamW.Scalars(0.999f, 0.9f, 0.1f, 0.999f, 0.001f,
            0.0447f, 1e-8f, 0.0526f);

    private static INDArray[] arrays(int n) {
        Nd4j.getRandom().setSeed(5);
        INDArray v = Nd4j.rand(DataType.FLOAT, n);
        return new INDArray[]{Nd4j.randn(DataType.FLOAT, n), Nd4j.randn(DataType.FLOAT, n), Nd4j.randn(DataType.FLOAT, n), v};
    }

    @Test
    void slicesGiveTheSameBitsAsOnePass() {
        int n = 5 * 1024 + 77;
        INDArray[] whole = arrays(n), sliced = arrays(n);
        INDArray before = whole[0].dup();
        FusedAdamW.step(whole[0], whole[1], whole[2], whole[3], SCALARS);
        FusedAdamW.step(sliced[0], sliced[1], sliced[2], sliced[3], SCALARS, 2 * 1024);
        assertFalse(before.equals(whole[0]), "the parameter moved");
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(whole[i].toFloatVector(), sliced[i].toFloatVector(), "array " + i);
        }
    }

    @Test
    void arraysItCannotReadFlatAreRefused() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 6, 4);
        assertTrue(FusedAdamW.accepts(a, a.dup(), a.dup(), a.dup()));
        assertFalse(FusedAdamW.accepts(a, a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).dup(), a, a), "lengths differ");
        assertFalse(FusedAdamW.accepts(a, a.dup('f'), a, a), "column-major");
        assertFalse(FusedAdamW.accepts(a, a.transpose().dup().transpose(), a, a), "transposed");
        assertFalse(FusedAdamW.accepts(a, a.getRow(1), a, a), "a view");
        assertFalse(FusedAdamW.accepts(a, a.castTo(DataType.DOUBLE), a, a), "double");
        assertThrows(IllegalArgumentException.class, () -> FusedAdamW.step(a, a.dup('f'), a.dup(), a.dup(), SCALARS));
    }
}
