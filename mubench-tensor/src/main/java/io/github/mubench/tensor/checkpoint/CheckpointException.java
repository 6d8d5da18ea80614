package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.io.FormatException;

import java.nio.file.Path;

/**
 * A checkpoint or model config file that cannot be used as it is. The message always names the file, the field
 * (or tensor) at fault and what was expected, so that a user can fix the input without reading our code.
 */
public class CheckpointException extends FormatException {
    /**
     * @param file     the file at fault (may be {@code null} for in-memory sources such as a bundled resource)
     * @param field    the JSON field, header entry or tensor name at fault
     * @param problem  what is wrong, and what was expected instead
     */
    public CheckpointException(Path file, String field, String problem) {
        super(file, field, problem);
    }

    /** Same as {@link #CheckpointException(Path, String, String)}, keeping the low-level cause. */
    public CheckpointException(Path file, String field, String problem, Throwable cause) {
        super(file, field, problem, cause);
    }
}
