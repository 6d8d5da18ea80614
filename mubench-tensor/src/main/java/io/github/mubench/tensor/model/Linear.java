package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code x·Wᵀ} for an HF {@code [out, in]} weight. */
final class Linear {
    private Linear() {
    }

    /**
     * {@code x [N, in]} times the transpose of {@code w [out, in]}. The transpose goes to GEMM as a flag:
     * measured here, {@code x.mmul(w.transpose())} ran 2-3x slower (32 vs 92 GFLOP/s on the 32000-row LM head).
     */
    static INDArray apply(INDArray x, INDArray w) {
        return Nd4j.matmul(x, w, false, true, false);
    }

    /** {@code x·Wᵀ + b}; {@code bias} may be {@code null}. */
    static INDArray apply(INDArray x, INDArray w, INDArray bias) {
        INDArray y = apply(x, w);
        return bias == null ? y : y.addiRowVector(bias);
    }
}
