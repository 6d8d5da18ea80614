package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.RmsNormRows;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.github.mubench.tensor.model.BlasAttention.floatBuffer;

/**
 * RMSNorm {@code a = x · r · g}, {@code r = (mean(x²) + eps)^-½} per row, as the first step of a sub-layer outside
 * SameDiff: its gain {@code g} is a parameter SameDiff does not see, whose gradient goes to an
 * {@link OutsideGradients}. The rows' arithmetic is {@link RmsNormRows}'.
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
        RmsNormRows.forward(floatBuffer(x), floatBuffer(a), gain.data().asFloat(), eps, inverseRms, (int) x.size(0), (int) x.size(1));
    }

    /**
     * Given {@code da}, the loss's gradient with respect to {@link #forward}'s output for input {@code x}: the gain's
     * gradient (when {@code gradients} wants it) and {@code dx} ({@code dx} may be {@code da}'s memory): see
     * {@link RmsNormRows#backward}.
     */
    void backward(INDArray x, float[] inverseRms, INDArray da, INDArray dx, OutsideGradients gradients) {
        int d = (int) x.size(1);
        float[] gainGradient = gradients.wants(gainName) ? new float[d] : null;
        RmsNormRows.backward(floatBuffer(x), inverseRms, gain.data().asFloat(), floatBuffer(da), floatBuffer(dx), gainGradient, (int) x.size(0), d);
        if (gainGradient != null) {
            floatBuffer(gradients.allocate(gainName, gain.shape())).put(0, gainGradient);
        }
    }
}
