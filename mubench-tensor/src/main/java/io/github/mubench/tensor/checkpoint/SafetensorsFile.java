package io.github.mubench.tensor.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.model.HalfTensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw data. The whole header is validated on open, so every later read is in bounds.
 */
public final class SafetensorsFile {
    /** The safetensors library refuses headers above 100 MB; so do we (a corrupt length must not allocate GBs). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor's entry in the header. */
    record Entry(String name, TensorBytes.Dtype dtype, long[] shape, long begin, long end) {
    }

    private final ByteSource source;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(ByteSource source, long dataStart, Map<String, Entry> entries) {
        this.source = source;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /** Opens and validates a file. */
    public static SafetensorsFile open(Path file) {
        ByteSource src = ByteSource.open(file);
        if (src.size() < 8) {
            throw new CheckpointException(file, "header length", "file has " + src.size()
                    + " bytes; expected at least the 8-byte header length");
        }
        long headerLen = src.slice(0, 8, "header length").getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > src.size() - 8) {
            throw new CheckpointException(file, "header length", headerLen + " bytes; expected 2.." + Math.min(MAX_HEADER_BYTES, src.size() - 8)
                    + " (the file has " + src.size() + " bytes; truncated or not a safetensors file?)");
        }
        ByteBuffer hb = src.slice(8, headerLen, "header");
        byte[] header = new byte[(int) headerLen];
        hb.get(header);
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            throw new CheckpointException(file, "header", "is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file, "header", "expected a JSON object of tensor entries");
        }
        long dataStart = 8 + headerLen;
        Map<String, Entry> entries = parseEntries(file, root, src.size() - dataStart);
        return new SafetensorsFile(src, dataStart, entries);
    }

    private static Map<String, Entry> parseEntries(Path file, JsonNode root, long dataBytes) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            entries.put(f.getKey(), parseEntry(file, f.getKey(), f.getValue(), dataBytes));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1), cur = byOffset.get(i);
            if (cur.begin() < prev.end()) {
                throw new CheckpointException(file, cur.name(), "data_offsets [" + cur.begin() + ", " + cur.end()
                        + ") overlap those of " + prev.name() + "; expected disjoint byte ranges");
            }
        }
        return entries;
    }

    private static Entry parseEntry(Path file, String name, JsonNode e, long dataBytes) {
        JsonNode dtype = e.get("dtype"), shape = e.get("shape"), offsets = e.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointException(file, name + ".dtype", "missing; expected one of F32, F16, BF16");
        }
        TensorBytes.Dtype dt;
        try {
            dt = TensorBytes.Dtype.valueOf(dtype.asText());
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(file, name + ".dtype", "'" + dtype.asText()
                    + "' is not supported; expected one of F32, F16, BF16");
        }
        if (shape == null || !shape.isArray()) {
            throw new CheckpointException(file, name + ".shape", "missing; expected an array of dimensions");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw new CheckpointException(file, name + ".shape", shape + " is not a list of non-negative integers");
            }
            dims[i] = shape.get(i).asLong();
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException(file, name + ".data_offsets", "expected [begin, end] byte offsets");
        }
        long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new CheckpointException(file, name + ".data_offsets", "[" + begin + ", " + end
                    + ") lies outside the data section of " + dataBytes + " bytes (truncated file?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorBytes.elementCount(dims), dt.bytes);
        } catch (ArithmeticException ex) {
            throw new CheckpointException(file, name + ".shape", "overflows: " + shape);
        }
        if (end - begin != expected) {
            throw new CheckpointException(file, name, "shape " + shape + " of " + dt + " needs " + expected
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dt, dims, begin, end);
    }

    /** The file's path. */
    public Path path() {
        return source.path();
    }

    /** Tensor names, in header order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The tensor as float32 (zero-copy for F32; F16/BF16 upcast). */
    public INDArray load(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path(), name, "no such tensor in this file");
        }
        ByteBuffer bytes = source.slice(dataStart + e.begin(), e.end() - e.begin(), name);
        return TensorBytes.toFloat(bytes, e.dtype(), e.shape());
    }

    /**
     * The tensor as stored when it is F16 or BF16 (usually a memory map; nothing is converted), or {@code null} for
     * F32, which {@link #load} maps without copying anyway.
     */
    public HalfTensor half(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path(), name, "no such tensor in this file");
        }
        if (e.dtype() == TensorBytes.Dtype.F32) {
            return null;
        }
        return new HalfTensor(e.dtype() == TensorBytes.Dtype.BF16, e.shape(), source.slice(dataStart + e.begin(), e.end() - e.begin(), name));
    }

    /** The mappings the loaded arrays point into; keep it reachable while they are used. */
    Object keepAlive() {
        return source;
    }
}
