package io.github.mubench.unlearn.optim;

import io.github.mubench.tensor.model.FusedAdamW;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.param.Parameters;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter), as {@code torch.optim.AdamW}: decoupled weight decay {@code θ ← θ·(1 − lr·wd)},
 * then the bias-corrected Adam step {@code θ ← θ − lr·m̂/(√v̂ + ε)}. On the host ({@link Kernels#onHost()}) each
 * parameter is updated in one pass ({@link FusedAdamW}, PyTorch 1.13's float arithmetic); elsewhere by ND4J ops.
 */
public final class AdamW implements Optimizer {
    private final double lr, beta1, beta2, eps, weightDecay;
    private final Map<String, INDArray> m = new HashMap<>(), v = new HashMap<>();
    private int t;
    private int fusedLastStep;

    public AdamW(double lr, double beta1, double beta2, double eps, double weightDecay) {
        Parameters.positive("learning rate", finite("learning rate", lr));
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        Parameters.positive("eps", eps);
        Parameters.nonNegative("weight decay", finite("weight decay", weightDecay));
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    private static double finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + v);
        }
        return v;
    }

    /** PyTorch's defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01) at learning rate {@code lr}. */
    public static AdamW lr(double lr) {
        return new AdamW(lr, 0.9, 0.999, 1e-8, 0.01);
    }

    @Override
    public String toString() {
        return "AdamW(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }

    /** The same optimizer with another weight decay. */
    public AdamW withWeightDecay(double wd) {
        return new AdamW(lr, beta1, beta2, eps, wd);
    }

    @Override
    public AdamW fresh() {
        return new AdamW(lr, beta1, beta2, eps, weightDecay);
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double stepLr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        var scalars = new FusedAdamW.Scalars((float) (1 - stepLr * weightDecay), (float) beta1, (float) (1 - beta1),
                (float) beta2, (float) (1 - beta2), (float) Math.sqrt(c2), (float) eps, (float) (stepLr / c1));
        boolean onHost = Kernels.onHost();
        fusedLastStep = 0;
        for (var e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            INDArray mk = m.computeIfAbsent(e.getKey(), k -> p.ulike().assign(0));
            INDArray vk = v.computeIfAbsent(e.getKey(), k -> p.ulike().assign(0));
            if (onHost && FusedAdamW.accepts(p, e.getValue(), mk, vk)) {
                FusedAdamW.step(p, e.getValue(), mk, vk, scalars);
                fusedLastStep++;
                continue;
            }
            INDArray g = e.getValue().reshape(p.shape());
            // temporaries are closed at once: left to the garbage collector (the Java heap barely grows, so it seldom
            // runs), those of all parameters of a step would be alive together, up to four copies of the model's size
            try (INDArray scaled = g.mul(1 - beta1)) {
                mk.muli(beta1).addi(scaled);
            }
            try (INDArray squared = g.mul(g)) {
                vk.muli(beta2).addi(squared.muli(1 - beta2));
            }
            p.muli(1 - stepLr * weightDecay);
            try (INDArray denom = Transforms.sqrt(vk.div(c2), false).addi(eps); INDArray update = mk.div(c1)) {
                p.subi(update.divi(denom).muli(stepLr));
            }
        }
    }

    /** Parameters the last {@link #step} updated in one pass (the rest by ND4J ops). */
    int fusedLastStep() {
        return fusedLastStep;
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m/" + k, a));
        v.forEach((k, a) -> out.put("v/" + k, a));
        return out;
    }

    @Override
    public int stepsTaken() {
        return t;
    }

    @Override
    public void restore(Map<String, INDArray> state, int steps) {
        m.clear();
        v.clear();
        state.forEach((k, a) -> (k.startsWith("m/") ? m : v).put(k.substring(2), a.dup()));
        t = steps;
    }
}
