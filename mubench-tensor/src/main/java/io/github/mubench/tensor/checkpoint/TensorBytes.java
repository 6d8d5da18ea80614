package io.github.mubench.tensor.checkpoint;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/** Turns raw little-endian tensor bytes into float32 ND4J arrays (zero-copy where the bytes are already F32). */
final class TensorBytes {
    private TensorBytes() {
    }

    /** The element types that checkpoints store and this runtime reads. */
    enum Dtype {
        F32(4), F16(2), BF16(2);
        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /**
     * A float32 array over {@code bytes} (exactly {@code count(shape) * dtype.bytes} long). F32 in a direct buffer
     * on a 4-byte boundary is wrapped without copying (the caller keeps the buffer reachable); everything else is
     * copied (and upcast).
     */
    static INDArray toFloat(ByteBuffer bytes, Dtype dtype, long[] shape) {
        ByteBuffer le = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        long n = elementCount(shape);
        long[] rowMajorShape = shape.length == 0 ? new long[]{} : shape;
        if (dtype == Dtype.F32 && le.isDirect() && new BytePointer(le).address() % Float.BYTES == 0) {
            // Zero-copy only when aligned: ND4J's kernels fault (SIGSEGV) on floats that do not start on a 4-byte
            // boundary, which valid files produce (a padded header, an odd-length F16 tensor before this one).
            FloatPointer fp = new FloatPointer(new BytePointer(le));
            fp.capacity(n).limit(n);
            DataBuffer buf = Nd4j.createBuffer(fp, DataType.FLOAT, n, FloatIndexer.create(fp));
            return Nd4j.create(buf, rowMajorShape, Nd4j.getStrides(rowMajorShape, 'c'), 0, 'c', DataType.FLOAT);
        }
        float[] out = new float[Math.toIntExact(n)];
        switch (dtype) {
            case F32 -> le.asFloatBuffer().get(out);
            case F16 -> {
                ShortBuffer sb = le.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(sb.get(i));
                }
            }
            case BF16 -> {
                ShortBuffer sb = le.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((sb.get(i) & 0xffff) << 16);
                }
            }
        }
        return Nd4j.create(out, rowMajorShape, 'c');
    }

    /** IEEE 754 binary16 → binary32 (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) { // inf or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
