package io.github.mubench.tensor.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One linear layer {@code y = x·Wᵀ (+ b)} of the computations outside SameDiff: its weight (and bias) are parameters
 * SameDiff does not see, whose gradients go to an {@link OutsideGradients}.
 */
final class OutsideProjection {
    private final String weightName, biasName;
    private final INDArray weight, bias;

    /**
     * @param weight {@code [out, in]}, the parameter itself (training updates it in place)
     * @param bias   {@code [out]} or null
     */
    OutsideProjection(String weightName, INDArray weight, String biasName, INDArray bias) {
        this.weightName = weightName;
        this.weight = weight;
        this.biasName = biasName;
        this.bias = bias;
    }

    /** {@code y = x·Wᵀ + b}: {@code x [rows, in]}, {@code y [rows, out]}. */
    void forward(INDArray x, INDArray y) {
        Products.timesTransposed(x, weight, y, false);
        if (bias != null) {
            y.addiRowVector(bias);
        }
    }

    /**
     * Given {@code dy}, the loss's gradient with respect to {@code y}, for the input {@code x} of the forward pass:
     * the parameters' gradients (those {@code gradients} wants) and {@code dx = dy·W}, or {@code dx += dy·W} when
     * accumulating.
     */
    void backward(INDArray x, INDArray dy, INDArray dx, boolean accumulate, OutsideGradients gradients) {
        if (gradients.wants(weightName)) {
            Products.transposedTimes(dy, x, gradients.allocate(weightName, weight.shape()), false);
        }
        if (bias != null && gradients.wants(biasName)) {
            gradients.allocate(biasName, bias.shape()).assign(dy.sum(0));
        }
        Products.times(dy, weight, dx, accumulate);
    }
}
