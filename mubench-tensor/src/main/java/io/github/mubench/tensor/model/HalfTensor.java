package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A tensor of 16-bit floats (IEEE binary16 "F16" or bfloat16 "BF16") as its file stores it, usually a memory map:
 * half the bytes of float32, converted to float32 a block of rows at a time where it is used. A 7B model in BF16 is
 * 13.5 GB as stored and 27 GB upcast.
 *
 * @param bf16  bfloat16 when true, binary16 otherwise
 * @param shape the tensor's shape
 * @param bytes little-endian, exactly two bytes an element
 */
public record HalfTensor(boolean bf16, long[] shape, ByteBuffer bytes) {
    public HalfTensor {
        shape = shape.clone();
        bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.capacity() != 2 * length(shape)) {
            throw new IllegalArgumentException(bytes.capacity() + " bytes for shape " + Arrays.toString(shape) + "; expected two an element");
        }
    }

    /** Elements in {@code shape}. */
    static long length(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** Its number of elements. */
    public long length() {
        return length(shape);
    }

    /** Element {@code i} of the flattened tensor, as float32 (exact: both formats widen without rounding). */
    public float get(long i) {
        return toFloat(bytes.getShort(Math.toIntExact(2 * i)), bf16);
    }

    /** Elements {@code [from, from + count)} of the flattened tensor into {@code out} from {@code at}, as float32. */
    public void get(long from, float[] out, int at, int count) {
        convert(from, count, new short[count], 0, out, at);
    }

    /**
     * Elements {@code [from, from + count)} into {@code out[at..at + count)}, read in bulk through
     * {@code bits[at..at + count)} (no allocation): the path that converts weights block by block.
     */
    public void toFloats(long from, int count, float[] out, short[] bits, int at) {
        convert(from, count, bits, at, out, at);
    }

    /** The stored bit patterns of elements {@code [from, from + count)} into {@code bits[at..)}. */
    void bits(long from, int count, short[] bits, int at) {
        bytes.asShortBuffer().get(Math.toIntExact(from), bits, at, count);
    }

    private void convert(long from, int count, short[] bits, int bitsAt, float[] out, int outAt) {
        bits(from, count, bits, bitsAt);
        if (bf16) {
            for (int i = 0; i < count; i++) {
                out[outAt + i] = Float.intBitsToFloat(bits[bitsAt + i] << 16); // the sign-extended high half is shifted out
            }
        } else {
            for (int i = 0; i < count; i++) {
                out[outAt + i] = halfToFloat(bits[bitsAt + i]);
            }
        }
    }

    /** The whole tensor as a float32 array (a copy: twice the bytes). */
    public INDArray toFloat() {
        float[] all = new float[Math.toIntExact(length())];
        get(0, all, 0, all.length);
        return Nd4j.create(all, shape.length == 0 ? new long[]{} : shape, 'c');
    }

    /** Whether any element is NaN or infinite (all exponent bits set), read from the stored bits. */
    public boolean hasNonFinite() {
        int exponent = bf16 ? 0x7f80 : 0x7c00;
        ShortBuffer s = bytes.asShortBuffer();
        for (int i = 0, n = s.capacity(); i < n; i++) {
            if ((s.get(i) & exponent) == exponent) {
                return true;
            }
        }
        return false;
    }

    /** One stored value as float32. */
    public static float toFloat(short bits, boolean bf16) {
        return bf16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : halfToFloat(bits);
    }

    /** IEEE 754 binary16 → binary32 (Java 17 has no {@code Float.float16ToFloat}). */
    public static float halfToFloat(short h) {
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
