package io.github.mubench.tensor.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a checkpoint file: memory-mapped region by region (so files above 2 GiB work), or an in-memory
 * array for bundled resources. Bounds are checked here, so a truncated file is a {@link CheckpointException},
 * never a crash.
 */
final class ByteSource {
    private final Path path;
    private final long size;
    private final FileChannel channel;
    private final ByteBuffer memory;
    /**
     * Regions smaller than this are read into the heap instead of mapped: a GGUF header holds ~100k small fields,
     * and one mapping each would exhaust the kernel's map count (vm.max_map_count).
     */
    private static final long MAP_THRESHOLD = 1 << 16;
    /** Mappings handed out; kept reachable as long as this source is, since arrays may point into them. */
    private final List<MappedByteBuffer> mappings = new ArrayList<>();

    private ByteSource(Path path, long size, FileChannel channel, ByteBuffer memory) {
        this.path = path;
        this.size = size;
        this.channel = channel;
        this.memory = memory;
    }

    static ByteSource open(Path path) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            return new ByteSource(path, ch.size(), ch, null);
        } catch (IOException e) {
            throw new CheckpointException(path, "file", "cannot be opened: " + e.getMessage(), e);
        }
    }

    static ByteSource of(byte[] bytes, Path nameForErrors) {
        return new ByteSource(nameForErrors, bytes.length, null, ByteBuffer.wrap(bytes));
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** Little-endian view of {@code [offset, offset+length)}; {@code what} names the region in errors. */
    ByteBuffer slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new CheckpointException(path, what, "byte range [" + offset + ", " + (offset + length)
                    + ") lies outside the file of " + size + " bytes (truncated or corrupt file?)");
        }
        if (memory != null) {
            return memory.slice(Math.toIntExact(offset), Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (length < MAP_THRESHOLD) {
            return read(offset, (int) length, what);
        }
        if (length > Integer.MAX_VALUE) {
            throw new CheckpointException(path, what, "single region of " + length + " bytes; at most 2 GiB per tensor is supported");
        }
        try {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            synchronized (mappings) {
                mappings.add(m);
            }
            return m.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("mapping " + path + " " + what, e);
        }
    }

    private ByteBuffer read(long offset, int length, String what) {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (buf.hasRemaining()) {
                if (channel.read(buf, offset + buf.position()) < 0) {
                    throw new CheckpointException(path, what, "file ended while reading (truncated file?)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " " + what, e);
        }
        return buf.flip();
    }
}
