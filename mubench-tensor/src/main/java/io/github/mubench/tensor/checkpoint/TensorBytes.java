package io.github.mubench.tensor.checkpoint;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import io.github.mubench.tensor.model.HalfTensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        if (dtype == Dtype.F32) {
            float[] out = new float[Math.toIntExact(n)];
            le.asFloatBuffer().get(out);
            return Nd4j.create(out, rowMajorShape, 'c');
        }
        return new HalfTensor(dtype == Dtype.BF16, rowMajorShape, le).toFloat();
    }
}
