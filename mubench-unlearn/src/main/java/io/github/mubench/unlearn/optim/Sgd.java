package io.github.mubench.unlearn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Plain stochastic gradient descent: {@code θ ← θ − lr·g}. */
public record Sgd(double learningRate) implements Optimizer {
    public Sgd {
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
    }

    @Override
    public Optimizer fresh() {
        return this;
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        for (var e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            try (INDArray update = e.getValue().reshape(p.shape()).mul(lr)) { // closed at once, see AdamW
                p.subi(update);
            }
        }
    }
}
