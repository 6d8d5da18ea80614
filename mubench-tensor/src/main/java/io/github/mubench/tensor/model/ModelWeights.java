package io.github.mubench.tensor.model;

import io.github.mubench.tensor.io.FormatException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tensors of a model under their HF names and in HF layout ({@code [out, in]} projections, rotate-half RoPE order
 * for q/k). Every loader converts to this form, so the model code knows one layout only. They are float32 arrays, or
 * 16-bit tensors kept as their file stores them ({@link HalfTensor}), which {@link #get} upcasts on first use (and
 * keeps) and which the CPU inference path reads as they are ({@link #half}): a 7B model in BF16 then needs 13.5 GB,
 * not 27.
 * <p>
 * Arrays may be read-only views of a memory-mapped file: {@code dup()} one before writing to it.
 */
public final class ModelWeights {
    private final List<String> names;
    private final Map<String, INDArray> tensors;
    private final Map<String, HalfTensor> halves;
    private final Path source;
    @SuppressWarnings({"unused", "FieldCanBeLocal"}) // holds memory mappings that the arrays point into
    private final Object keepAlive;

    /**
     * @param tensors   name → float32 array
     * @param source    the file or folder they came from (for error messages), or {@code null}
     * @param keepAlive what must stay reachable while the arrays are used (memory mappings), or {@code null}
     */
    public ModelWeights(Map<String, INDArray> tensors, Path source, Object keepAlive) {
        this(new ArrayList<>(tensors.keySet()), tensors, Map.of(), source, keepAlive);
    }

    /**
     * @param names     every tensor's name, in checkpoint order
     * @param tensors   name → float32 array, for the names not in {@code halves}
     * @param halves    name → 16-bit tensor as stored
     * @param source    the file or folder they came from (for error messages), or {@code null}
     * @param keepAlive what must stay reachable while the tensors are used (memory mappings), or {@code null}
     */
    public ModelWeights(List<String> names, Map<String, INDArray> tensors, Map<String, HalfTensor> halves, Path source, Object keepAlive) {
        this.names = List.copyOf(names);
        this.tensors = new ConcurrentHashMap<>(tensors);
        this.halves = Map.copyOf(halves);
        for (String n : this.names) {
            if (!this.tensors.containsKey(n) && !this.halves.containsKey(n)) {
                throw new IllegalArgumentException("no tensor for name " + n);
            }
        }
        this.source = source;
        this.keepAlive = keepAlive;
    }

    /** The file or folder the tensors came from, or {@code null}. */
    public Path source() {
        return source;
    }

    /** Every tensor's name, in checkpoint order. */
    public List<String> names() {
        return names;
    }

    /** All tensors as float32, in checkpoint order (16-bit ones are upcast here, once). */
    public Map<String, INDArray> asMap() {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (String n : names) {
            all.put(n, floats(n));
        }
        return Collections.unmodifiableMap(all);
    }

    /** Whether a tensor of that name exists. */
    public boolean has(String name) {
        return tensors.containsKey(name) || halves.containsKey(name);
    }

    /** The shape of a tensor that exists. */
    public long[] shape(String name) {
        HalfTensor h = halves.get(name);
        return h != null ? h.shape() : tensors.get(name).shape();
    }

    /**
     * Every element of the flattened tensor when it has at most {@code count}, else {@code count} evenly spaced ones
     * (element {@code i·(n−1)/(count−1)}, first and last included); a 16-bit tensor is read as stored, not upcast.
     */
    public float[] sample(String name, int count) {
        INDArray a = tensors.get(name);
        HalfTensor h = halves.get(name);
        long n = a != null ? a.length() : h.length();
        if (n <= count) {
            if (a != null) {
                return a.reshape(n).toFloatVector();
            }
            float[] all = new float[(int) n];
            h.get(0, all, 0, all.length);
            return all;
        }
        INDArray flat = a == null ? null : a.reshape(n);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            long at = (long) i * (n - 1) / (count - 1);
            out[i] = flat != null ? flat.getFloat(at) : h.get(at);
        }
        return out;
    }

    /**
     * The named tensor as float32, checked against the expected shape.
     *
     * @throws FormatException if it is missing or has another shape
     */
    public INDArray get(String name, long... shape) {
        requireShape(name, shape);
        INDArray a = floats(name);
        if (a.dataType() != DataType.FLOAT) {
            throw new FormatException(source, name, "dtype " + a.dataType() + "; expected FLOAT after loading");
        }
        return a;
    }

    /**
     * The named tensor as stored, when it is a 16-bit tensor not yet upcast by {@link #get}; otherwise {@code null}
     * (then {@link #get} gives it). Checked against the expected shape.
     *
     * @throws FormatException if it is missing or has another shape
     */
    public HalfTensor half(String name, long... shape) {
        requireShape(name, shape);
        return tensors.containsKey(name) ? null : halves.get(name);
    }

    private void requireShape(String name, long[] shape) {
        if (!has(name)) {
            throw new FormatException(source, name, "tensor missing; expected shape " + Arrays.toString(shape));
        }
        if (!Arrays.equals(shape(name), shape)) {
            throw new FormatException(source, name, "shape " + Arrays.toString(shape(name))
                    + " does not match the config; expected " + Arrays.toString(shape));
        }
    }

    private INDArray floats(String name) {
        return tensors.computeIfAbsent(name, n -> halves.get(n).toFloat());
    }

    /** Names of the tensors that hold at least one NaN or infinite value. */
    public List<String> nonFiniteTensors() {
        List<String> bad = new ArrayList<>();
        for (String name : names) {
            INDArray a = tensors.get(name);
            if (a == null) {
                if (halves.get(name).hasNonFinite()) {
                    bad.add(name);
                }
                continue;
            }
            if (a.length() == 0) {
                continue; // nothing to be non-finite (and ND4J cannot sum it)
            }
            // A sum is one cheap pass; only a non-finite sum is worth the exact (allocating) check.
            if (!Double.isFinite(a.sumNumber().doubleValue()) && (a.isInfinite().any() || a.isNaN().any())) {
                bad.add(name);
            }
        }
        return bad;
    }
}
