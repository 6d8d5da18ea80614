package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Row softmax, log-sum-exp and log-softmax against the same sums in double precision, and closed forms. */
class SoftmaxRowsTest {

    @Test
    void equalLogitsGiveTheUniformDistributionAndLogOfTheWidth() {
        int width = 32000;
        FloatBuffer rows = FloatBuffer.allocate(2 * width);
        for (int j = 0; j < width; j++) {
            rows.put(j, 3.5f);
            rows.put(width + j, -1000f);
        }
        double[] lse = SoftmaxRows.inPlace(rows, 2, width);
        assertEquals(3.5 + Math.log(width), lse[0], 1e-6);
        assertEquals(-1000 + Math.log(width), lse[1], 1e-4);
        for (int j = 0; j < 2 * width; j += 997) {
            assertEquals(1.0 / width, rows.get(j), 1e-6 / width);
        }
    }

    @Test
    void manyRowsSplitBetweenThreadsMatchDoublePrecision() {
        int count = 1000, width = 37; // more rows than chunks, a width that is no multiple of the vector length
        SplittableRandom random = new SplittableRandom(7);
        float[] logits = new float[count * width];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextDouble(-30, 30);
        }
        logits[5] = Float.NEGATIVE_INFINITY; // a masked entry: probability 0
        FloatBuffer rows = FloatBuffer.wrap(logits.clone());
        double[] lse = SoftmaxRows.inPlace(rows, count, width);
        for (int r = 0; r < count; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, logits[r * width + j]);
            }
            for (int j = 0; j < width; j++) {
                sum += Math.exp(logits[r * width + j] - max);
            }
            assertEquals(max + Math.log(sum), lse[r], 1e-5, "row " + r);
            for (int j = 0; j < width; j++) {
                double p = Math.exp(logits[r * width + j] - max) / sum;
                assertEquals(p, rows.get(r * width + j), 1e-6 * Math.max(p, 1e-30) + 1e-12, "row " + r + ", column " + j);
            }
        }
        assertEquals(0f, rows.get(5));
    }

    @Test
    void logSoftmaxInPlaceMatchesDoublePrecisionOverTheLastAxis() {
        int batch = 3, time = 5, width = 1001;
        SplittableRandom random = new SplittableRandom(11);
        float[] logits = new float[batch * time * width];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextDouble(-20, 20);
        }
        INDArray a = Nd4j.create(logits.clone(), new long[]{batch, time, width}, 'c');
        SoftmaxRows.logInPlace(a);
        for (int r = 0; r < batch * time; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, logits[r * width + j]);
            }
            for (int j = 0; j < width; j++) {
                sum += Math.exp(logits[r * width + j] - max);
            }
            for (int j = 0; j < width; j += 7) {
                double expected = logits[r * width + j] - max - Math.log(sum);
                assertEquals(expected, a.getFloat((long) r * width + j), 1e-5 * Math.max(1, Math.abs(expected)), "row " + r);
            }
        }
    }
}
