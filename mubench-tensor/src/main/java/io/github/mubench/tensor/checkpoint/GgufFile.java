package io.github.mubench.tensor.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a GGUF file (versions 2 and 3): metadata key/values and the tensor table, every read
 * bounds-checked so that a truncated or corrupt file is a {@link CheckpointException}.
 */
public final class GgufFile {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian

    /** A tensor's entry in the tensor table; {@code shape} in PyTorch order (GGUF lists dimensions innermost first). */
    record TensorInfo(String name, long[] shape, int type, long offset) {
    }

    private final ByteSource source;
    private final Map<String, Object> metadata;
    private final List<TensorInfo> tensors;
    private final long dataStart;

    private GgufFile(ByteSource source, Map<String, Object> metadata, List<TensorInfo> tensors, long dataStart) {
        this.source = source;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    /** Reads the header of {@code file}. */
    public static GgufFile read(Path file) {
        ByteSource src = ByteSource.open(file);
        Cursor c = new Cursor(src);
        if (c.i32("magic") != MAGIC) {
            throw new CheckpointException(file, "magic", "not a GGUF file; expected the bytes 'GGUF' at offset 0");
        }
        int version = c.i32("version");
        if (version != 2 && version != 3) {
            throw new CheckpointException(file, "version", version + "; expected GGUF version 2 or 3");
        }
        long tensorCount = c.u64("tensor_count", 1 << 20);
        long kvCount = c.u64("metadata_kv_count", 1 << 20);
        Map<String, Object> meta = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key");
            meta.put(key, c.value(c.i32(key + ".type"), key, 0));
        }
        List<TensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name");
            int dims = c.i32(name + ".n_dims");
            if (dims < 1 || dims > 4) {
                throw new CheckpointException(file, name + ".n_dims", dims + "; expected 1 to 4");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[dims - 1 - d] = c.u64(name + ".dims", Integer.MAX_VALUE);
                if (shape[dims - 1 - d] == 0) {
                    throw new CheckpointException(file, name + ".dims", "0; expected every dimension >= 1");
                }
            }
            infos.add(new TensorInfo(name, shape, c.i32(name + ".type"), c.u64(name + ".offset", Long.MAX_VALUE)));
        }
        long alignment = meta.get("general.alignment") instanceof Number n ? n.longValue() : 32;
        if (alignment < 8 || alignment > (1 << 20) || Long.bitCount(alignment) != 1) {
            throw new CheckpointException(file, "general.alignment", alignment + "; expected a power of two from 8 (the GGUF default is 32)");
        }
        for (TensorInfo t : infos) {
            if (t.offset() % alignment != 0) {
                throw new CheckpointException(file, t.name() + ".offset", t.offset() + " is not a multiple of the alignment "
                        + alignment + " (corrupt file?)");
            }
        }
        long dataStart = (c.pos + alignment - 1) / alignment * alignment;
        return new GgufFile(src, Collections.unmodifiableMap(meta), List.copyOf(infos), dataStart);
    }

    /** The file's path. */
    public Path path() {
        return source.path();
    }

    /** Metadata: numbers as Long/Double, strings, booleans, and lists of those. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    ByteSource source() {
        return source;
    }

    List<TensorInfo> tensors() {
        return tensors;
    }

    long dataStart() {
        return dataStart;
    }

    /** Sequential reader over the header, every read bounds-checked. */
    private static final class Cursor {
        private final ByteSource src;
        private long pos;

        Cursor(ByteSource src) {
            this.src = src;
        }

        private ByteBuffer take(long n, String what) {
            ByteBuffer b = src.slice(pos, n, what);
            pos += n;
            return b;
        }

        int i32(String what) {
            return take(4, what).getInt(0);
        }

        long u64(String what, long max) {
            long v = take(8, what).getLong(0);
            if (v < 0 || v > max) {
                throw new CheckpointException(src.path(), what, v + " is out of range; expected 0.." + max + " (corrupt file?)");
            }
            return v;
        }

        String string(String what) {
            long len = u64(what + " length", 1 << 24);
            ByteBuffer b = take(len, what);
            byte[] bytes = new byte[(int) len];
            b.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Arrays nest at most this deep (real files use one level); deeper is a hostile or corrupt file. */
        private static final int MAX_DEPTH = 8;

        /** The fewest bytes a value of {@code type} takes: what bounds how many a declared length can honestly hold. */
        private static long minBytes(int type) {
            return switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 9 -> 12;
                default -> 8;
            };
        }

        Object value(int type, String key, int depth) {
            return switch (type) {
                case 0 -> (long) (take(1, key).get(0) & 0xff);
                case 1 -> (long) take(1, key).get(0);
                case 2 -> (long) (take(2, key).getShort(0) & 0xffff);
                case 3 -> (long) take(2, key).getShort(0);
                case 4 -> Integer.toUnsignedLong(take(4, key).getInt(0));
                case 5 -> (long) take(4, key).getInt(0);
                case 6 -> (double) take(4, key).getFloat(0);
                case 7 -> take(1, key).get(0) != 0;
                case 8 -> string(key);
                case 9 -> {
                    if (depth >= MAX_DEPTH) {
                        throw new CheckpointException(src.path(), key, "arrays nested deeper than " + MAX_DEPTH + " levels (corrupt file?)");
                    }
                    int elemType = i32(key + ".array_type");
                    long n = u64(key + ".array_length", 1 << 24);
                    long left = src.size() - pos;
                    if (n > left / minBytes(elemType)) { // checked before allocating: a few bytes cannot declare gigabytes
                        throw new CheckpointException(src.path(), key + ".array_length", n + " values of type " + elemType
                                + " need more than the " + left + " bytes left in the file (corrupt file?)");
                    }
                    List<Object> list = new ArrayList<>((int) n);
                    for (long i = 0; i < n; i++) {
                        list.add(value(elemType, key, depth + 1));
                    }
                    yield list;
                }
                case 10, 11 -> take(8, key).getLong(0);
                case 12 -> take(8, key).getDouble(0);
                default -> throw new CheckpointException(src.path(), key, "metadata value type " + type + "; expected 0..12");
            };
        }
    }
}
