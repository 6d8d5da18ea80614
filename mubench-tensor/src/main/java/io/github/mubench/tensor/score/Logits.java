package io.github.mubench.tensor.score;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/** Small numeric helpers over one row of logits, computed in double precision. */
public final class Logits {
    private Logits() {
    }

    /**
     * The vector along the last axis at the given leading indices (e.g. {@code (row)} of {@code [batch, vocab]} or
     * {@code (row, position)} of {@code [batch, time, vocab]}), copied in bulk. ND4J's element-wise copy costs about
     * 10 ns a float, a third of a millisecond per 32,000-token row, which decoding pays per row and step.
     */
    public static float[] vector(INDArray logits, long... leading) {
        if (leading.length != logits.rank() - 1) {
            throw new IllegalArgumentException("need " + (logits.rank() - 1) + " leading indices, got " + leading.length);
        }
        long[] shape = logits.shape();
        int last = (int) shape[shape.length - 1];
        long flat = 0;
        for (int i = 0; i < leading.length; i++) {
            if (leading[i] < 0 || leading[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + leading[i] + " on axis " + i + " of size " + shape[i]);
            }
            flat = flat * shape[i] + leading[i];
        }
        if (logits.dataType() != DataType.FLOAT || logits.isView() || logits.ordering() != 'c' || logits.offset() != 0) {
            INDArrayIndex[] index = new INDArrayIndex[shape.length];
            for (int i = 0; i < leading.length; i++) {
                index[i] = NDArrayIndex.point(leading[i]);
            }
            index[leading.length] = NDArrayIndex.all();
            return logits.get(index).toFloatVector();
        }
        FloatBuffer all = logits.data().asNioFloat();
        float[] out = new float[last];
        all.position(Math.toIntExact(flat * last));
        all.get(out);
        return out;
    }

    /** Index of the largest value; the first one on ties, as {@code torch.argmax}. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code log_softmax(logits)[index]}, stable for large logits. */
    public static double logSoftmaxAt(float[] logits, int index) {
        return logits[index] - logSumExp(logits);
    }

    /** {@code log(sum(exp(logits)))}, the log-softmax's normaliser, stable for large logits. */
    public static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : logits) {
            sum += Math.exp(f - max);
        }
        return max + Math.log(sum);
    }
}
