package io.github.mubench.tensor.model;

import io.github.mubench.tensor.io.FormatException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The float32 tensors of a model under their HF names and in HF layout ({@code [out, in]} projections, rotate-half
 * RoPE order for q/k). Every loader converts to this form, so the model code knows one layout only.
 * <p>
 * Arrays may be read-only views of a memory-mapped file: {@code dup()} one before writing to it.
 */
public final class ModelWeights {
    private final Map<String, INDArray> tensors;
    private final Path source;
    @SuppressWarnings({"unused", "FieldCanBeLocal"}) // holds memory mappings that the arrays point into
    private final Object keepAlive;

    /**
     * @param tensors   name → float32 array
     * @param source    the file or folder they came from (for error messages), or {@code null}
     * @param keepAlive what must stay reachable while the arrays are used (memory mappings), or {@code null}
     */
    public ModelWeights(Map<String, INDArray> tensors, Path source, Object keepAlive) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.source = source;
        this.keepAlive = keepAlive;
    }

    /** The file or folder the tensors came from, or {@code null}. */
    public Path source() {
        return source;
    }

    /** All tensors, in checkpoint order. */
    public Map<String, INDArray> asMap() {
        return tensors;
    }

    /** Whether a tensor of that name exists. */
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The named tensor, checked against the expected shape.
     *
     * @throws FormatException if it is missing or has another shape
     */
    public INDArray get(String name, long... shape) {
        INDArray a = tensors.get(name);
        if (a == null) {
            throw new FormatException(source, name, "tensor missing; expected shape " + Arrays.toString(shape));
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw new FormatException(source, name, "shape " + Arrays.toString(a.shape())
                    + " does not match the config; expected " + Arrays.toString(shape));
        }
        if (a.dataType() != DataType.FLOAT) {
            throw new FormatException(source, name, "dtype " + a.dataType() + "; expected FLOAT after loading");
        }
        return a;
    }

    /** Names of the tensors that hold at least one NaN or infinite value. */
    public java.util.List<String> nonFiniteTensors() {
        java.util.List<String> bad = new java.util.ArrayList<>();
        for (var e : tensors.entrySet()) {
            INDArray a = e.getValue();
            if (a.length() == 0) {
                continue; // nothing to be non-finite (and ND4J cannot sum it)
            }
            // A sum is one cheap pass; only a non-finite sum is worth the exact (allocating) check.
            if (!Double.isFinite(a.sumNumber().doubleValue()) && (a.isInfinite().any() || a.isNaN().any())) {
                bad.add(e.getKey());
            }
        }
        return bad;
    }
}
