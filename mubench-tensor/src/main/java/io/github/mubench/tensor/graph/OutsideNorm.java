package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.BlasAttention;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * RMSNorm {@code a = x · r · g}, {@code r = (mean(x²) + eps)^-½} per row, as the first step of a sub-layer outside
 * SameDiff: its gain {@code g} is a parameter SameDiff does not see, whose gradient goes to an
 * {@link OutsideGradients}. Row sums in double precision.
 */
final class OutsideNorm {
    private final String gainName;
    private final INDArray gain;
    private final double eps;

    /** @param gain {@code [d]}, the parameter itself (training updates it in place) */
    OutsideNorm(String gainName, INDArray gain, double eps) {
        this.gainName = gainName;
        this.gain = gain;
        this.eps = eps;
    }

    /** {@code a = norm(x)} for {@code x, a [rows, d]}; each row's {@code r} into {@code inverseRms}. */
    void forward(INDArray x, INDArray a, float[] inverseRms) {
        int rows = (int) x.size(0), d = (int) x.size(1);
        FloatBuffer in = floats(x), out = floats(a);
        float[] g = gain.data().asFloat(), row = new float[d];
        for (int r = 0; r < rows; r++) {
            in.get(r * d, row);
            double sum = 0;
            for (float v : row) {
                sum += v * v;
            }
            float scale = (float) (1 / Math.sqrt(sum / d + eps));
            inverseRms[r] = scale;
            for (int j = 0; j < d; j++) {
                row[j] = row[j] * scale * g[j];
            }
            out.put(r * d, row);
        }
    }

    /**
     * Given {@code da}, the loss's gradient with respect to {@link #forward}'s output for input {@code x}: the gain's
     * gradient ({@code Σ_rows da ⊙ x · r}, when {@code gradients} wants it) and
     * {@code dx = r · g ⊙ da − x · r³/d · Σ_j da_j g_j x_j} per row ({@code dx} may be {@code da}'s memory).
     */
    void backward(INDArray x, float[] inverseRms, INDArray da, INDArray dx, OutsideGradients gradients) {
        int rows = (int) x.size(0), d = (int) x.size(1);
        FloatBuffer in = floats(x), grad = floats(da), out = floats(dx);
        float[] g = gain.data().asFloat(), xs = new float[d], ds = new float[d];
        double[] gainGradient = gradients.wants(gainName) ? new double[d] : null;
        for (int r = 0; r < rows; r++) {
            in.get(r * d, xs);
            grad.get(r * d, ds);
            float scale = inverseRms[r];
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += (double) ds[j] * g[j] * xs[j];
            }
            if (gainGradient != null) {
                for (int j = 0; j < d; j++) {
                    gainGradient[j] += (double) ds[j] * xs[j] * scale;
                }
            }
            float coefficient = (float) (dot * scale * scale * scale / d);
            for (int j = 0; j < d; j++) {
                ds[j] = scale * g[j] * ds[j] - xs[j] * coefficient;
            }
            out.put(r * d, ds);
        }
        if (gainGradient != null) {
            float[] values = new float[d];
            for (int j = 0; j < d; j++) {
                values[j] = (float) gainGradient[j];
            }
            gradients.allocate(gainName, gain.shape()).assign(Nd4j.createFromArray(values).reshape(gain.shape()));
        }
    }

    private static FloatBuffer floats(INDArray a) {
        return BlasAttention.floats(a).asBuffer();
    }
}
