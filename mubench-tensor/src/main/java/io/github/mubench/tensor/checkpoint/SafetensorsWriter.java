package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Writes tensors as one {@code .safetensors} file, atomically: float32, or rounded to F16 or BF16. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How values are stored. */
    public enum Dtype {
        F32(4), F16(2), BF16(2);
        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (in map order) to {@code file} as F32. */
    public static void write(Map<String, INDArray> tensors, Path file) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        write(shapes, tensors::get, file, Dtype.F32);
    }

    /**
     * Writes the tensors named in {@code shapes} (in its order) to {@code file} as {@code dtype} (rounded to nearest
     * even), each asked of {@code tensors} only when its bytes are written, so that a model larger than memory can be
     * written one tensor at a time.
     */
    public static void write(Map<String, long[]> shapes, Function<String, INDArray> tensors, Path file, Dtype dtype) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (var e : shapes.entrySet()) {
            long bytes = TensorBytes.elementCount(e.getValue()) * dtype.bytes;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.name());
            var shape = t.putArray("shape");
            for (long s : e.getValue()) {
                shape.add(s);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned, as the reference writer does
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            out.write(len.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (String name : shapes.keySet()) {
                INDArray a = tensors.apply(name);
                if (!Arrays.equals(a.shape(), shapes.get(name))) {
                    throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + ", not the "
                            + Arrays.toString(shapes.get(name)) + " the header says");
                }
                writeValues(a, out, dtype);
            }
        });
    }

    private static void writeValues(INDArray a, OutputStream out, Dtype dtype) throws IOException {
        float[] data = a.dup('c').data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            switch (dtype) {
                case F32 -> buf.putFloat(f);
                case F16 -> buf.putShort(toHalf(f));
                case BF16 -> buf.putShort(toBfloat16(f));
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** float32 → bfloat16, rounded to nearest even (NaN stays a quiet NaN). */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** float32 → IEEE binary16, rounded to nearest even; beyond its range, ±infinity. */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) { // inf or NaN
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // subnormal or zero in binary16
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000; // the implicit bit
            int shift = 14 - e;
            int half = m >>> shift, rest = m & ((1 << shift) - 1), halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13), rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, up to infinity: that is the right rounding
        }
        return (short) (sign | half);
    }
}
