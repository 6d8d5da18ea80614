package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** RMSNorm: {@code x / sqrt(mean(x²) + eps) · g}, over the last dimension of {@code [N, d]} rows. */
public final class RmsNorm {
    private final INDArray gain;
    private final double eps;

    public RmsNorm(INDArray gain, double eps) {
        this.gain = gain;
        this.eps = eps;
    }

    public INDArray forward(INDArray x) {
        INDArray meanSquare = x.mul(x).mean(true, 1);
        INDArray invRms = Transforms.pow(meanSquare.addi(eps), -0.5, false);
        return x.mulColumnVector(invRms).muliRowVector(gain);
    }
}
