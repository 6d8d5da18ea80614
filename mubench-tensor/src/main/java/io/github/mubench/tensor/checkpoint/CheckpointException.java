package io.github.mubench.tensor.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint, config or tokenizer file that cannot be used as it is. The message always names the file, the field
 * (or tensor) at fault and what was expected, so that a user can fix the input without reading our code.
 */
public class CheckpointException extends RuntimeException {
    private final Path file;
    private final String field;

    /**
     * @param file     the file at fault (may be {@code null} for in-memory sources such as a bundled resource)
     * @param field    the JSON field, header entry or tensor name at fault
     * @param problem  what is wrong, and what was expected instead
     */
    public CheckpointException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    /** Same as {@link #CheckpointException(Path, String, String)}, keeping the low-level cause. */
    public CheckpointException(Path file, String field, String problem, Throwable cause) {
        super((file == null ? "<memory>" : file.toString()) + ": " + field + ": " + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The file at fault, or {@code null} for an in-memory source. */
    public Path file() {
        return file;
    }

    /** The field, header entry or tensor name at fault. */
    public String field() {
        return field;
    }
}
