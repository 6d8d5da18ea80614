package io.github.mubench.tensor.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.ops.impl.loss.SparseSoftmaxCrossEntropyLossWithLogits;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;

/**
 * Per-row cross-entropy of {@code logits [N, V]} against integer labels {@code [N]} in one fused op, so that no
 * vocabulary-sized one-hot labels, log-probabilities or products lie on the NLL's path (on the 56M model at
 * B 4 × T 128: two 65 MB arrays instead of seven, and no one-hot built in Java per batch).
 * <p>
 * M2.1's own backward of this op returns {@code softmax − onehot} whatever gradient arrives from above, as if each
 * row's loss were summed with weight 1. This subclass multiplies it by that gradient, so masked and weighted rows
 * (label masks, NPO's per-sequence factors, ...) get their true gradient. SameDiff builds its gradient function on a
 * copy of the graph whose ops it re-creates by op name, so {@link #register} maps the op's name to this class first.
 * That table is the JVM's: any SameDiff graph re-creating this op gets this class, whose gradient is the true one.
 */
public final class SparseCrossEntropy extends SparseSoftmaxCrossEntropyLossWithLogits {
    private static boolean registered;

    /** For SameDiff, which re-creates ops reflectively; graphs are built with {@link #of}. */
    public SparseCrossEntropy() {
    }

    private SparseCrossEntropy(SameDiff sd, SDVariable logits, SDVariable labels) {
        super(sd, logits, labels);
    }

    /** {@code −log softmax(logits)[label]} per row ({@code [N]}). */
    static SDVariable of(SameDiff sd, SDVariable logits, SDVariable labels) {
        register();
        return new SparseCrossEntropy(sd, logits, labels).outputVariable();
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> upstream) {
        List<SDVariable> unweighted = super.doDiff(upstream); // {labels: zeros, logits: softmax − onehot}
        return List.of(unweighted.get(0), unweighted.get(1).mul(upstream.get(0).reshape(-1, 1)));
    }

    /**
     * Makes ND4J re-create this op as this class. ND4J 1.0.0-M2.1 has no public way to register an op class, so this
     * writes its op-hash table; the version is pinned, and {@code LlamaGraphGoldenTest}'s gradients fail if it stops
     * working.
     */
    @SuppressWarnings("unchecked")
    private static synchronized void register() {
        if (registered) {
            return;
        }
        long hash = new SparseSoftmaxCrossEntropyLossWithLogits().opHash();
        try {
            DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
            Field byHash = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            Field byHashAndName = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            byHash.setAccessible(true);
            byHashAndName.setAccessible(true);
            Map<Long, Map<String, Class<?>>> shared = (Map<Long, Map<String, Class<?>>>) byHashAndName.get(holder);
            if (shared.containsKey(hash)) {
                shared.get(hash).put(new SparseCrossEntropy().opName(), SparseCrossEntropy.class);
            } else {
                ((Map<Long, Class<?>>) byHash.get(holder)).put(hash, SparseCrossEntropy.class);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot register the weighted sparse cross-entropy with this ND4J version", e);
        }
        registered = true;
    }
}
