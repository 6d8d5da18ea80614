package io.github.mubench.unlearn;

import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.unlearn.optim.Optimizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One optimizer step: the loss and gradients of each micro-batch from one pass of the graph, averaged over the
 * step's micro-batches, checked for divergence, clipped to the global norm, and applied.
 */
final class TrainingStep {
    private final LlamaGraph graph;
    private final LossTerms terms;
    private final ReferenceModel reference;
    private final Optimizer optimizer;
    private final UnlearningConfig config;
    private final String loss, forgetNll, retainNll;
    /** A set: the loss may itself be a logged term (NPO alone), and each output must be summed once. */
    private final Set<String> outputs = new LinkedHashSet<>();

    TrainingStep(LlamaGraph graph, LossTerms terms, SDVariable loss, ReferenceModel reference, Optimizer optimizer,
                 UnlearningConfig config) {
        this.graph = graph;
        this.terms = terms;
        this.reference = reference;
        this.optimizer = optimizer;
        this.config = config;
        this.loss = loss.name();
        this.forgetNll = terms.forgetNll().name();
        this.retainNll = terms.layout().has(RowGroup.RETAIN) ? terms.retainNll().name() : null;
        outputs.addAll(List.of(this.loss, forgetNll));
        if (retainNll != null) {
            outputs.add(retainNll);
        }
        terms.loggedTerms().values().forEach(v -> outputs.add(v.name()));
    }

    /** Takes step {@code step} (0-based) of {@code totalSteps} on the next micro-batches of {@code batches}. */
    StepMetrics take(int step, int totalSteps, Batches batches) {
        long start = System.nanoTime();
        int accumulation = config.gradientAccumulation();
        Map<String, INDArray> grads = null;
        Map<String, Double> values = new LinkedHashMap<>();
        for (int micro = 0; micro < accumulation; micro++) {
            Batches.Batch b = batches.next();
            Map<String, INDArray> feed = terms.feed(b.tokens(), b.valid(), b.labels(), b.reference(),
                    reference.logProbs(b.tokens(), b.valid()), reference.hidden(b.tokens(), b.valid(), b.labels()));
            Nd4j.getRandom().setSeed(config.seed() * 1_000_003L + (long) step * accumulation + micro); // LoRA dropout masks
            var pass = graph.gradientsAndOutputs(feed, outputs.toArray(String[]::new));
            for (String name : outputs) {
                values.merge(name, pass.outputs().get(name).getDouble(0) / accumulation, Double::sum);
            }
            if (grads == null) {
                grads = new LinkedHashMap<>(pass.gradients()); // each has memory of its own (LlamaGraph#gradients)
            } else {
                for (var g : pass.gradients().entrySet()) {
                    grads.get(g.getKey()).addi(g.getValue());
                }
            }
        }
        if (accumulation > 1) {
            grads.values().forEach(g -> g.divi(accumulation));
        }
        double norm = globalNorm(grads);
        double lossValue = values.get(loss);
        if (!Double.isFinite(norm) || !Double.isFinite(lossValue)) {
            throw new DivergenceException(step + 1, lossValue, norm);
        }
        if (config.clipNorm() > 0 && norm > config.clipNorm()) {
            for (INDArray g : grads.values()) {
                g.muli(config.clipNorm() / norm);
            }
        }
        double lr = optimizer.learningRate() * config.schedule().factor(step, totalSteps);
        optimizer.step(graph.parameters(), grads, lr);
        System.gc(); // frees the step's native intermediates (see LlamaGraph)
        Map<String, Double> named = new LinkedHashMap<>();
        terms.loggedTerms().forEach((n, v) -> named.put(n, values.get(v.name())));
        return new StepMetrics(step + 1, lr, lossValue, named, values.get(forgetNll),
                retainNll != null ? values.get(retainNll) : Double.NaN, norm, (System.nanoTime() - start) / 1e9);
    }

    private static double globalNorm(Map<String, INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }
}
