package io.github.mubench.tensor.io;

import java.nio.file.Path;

/**
 * A file (or bundled resource) that does not hold what its format requires: names the file, the field and what was
 * expected. Every loader of user files throws this or a subclass, so callers (the CLI) can tell bad input apart from
 * bugs.
 */
public class FormatException extends RuntimeException {
    private final Path file;
    private final String field;

    /**
     * @param file    the file at fault ({@code null} for an in-memory source)
     * @param field   the JSON field, header entry, tensor name or line at fault ({@code null} for the whole file)
     * @param problem what is wrong, and what was expected instead
     */
    public FormatException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    /** Same as {@link #FormatException(Path, String, String)}, keeping the low-level cause. */
    public FormatException(Path file, String field, String problem, Throwable cause) {
        super((file == null ? "" : file + ": ") + (field == null ? "" : field + ": ") + problem, cause);
        this.file = file;
        this.field = field;
    }

    /**
     * The error for a file that could not be read at all: says whether it does not exist, is not readable, or
     * failed otherwise.
     */
    public static FormatException unreadable(Path file, java.io.IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "does not exist"
                : e instanceof java.nio.file.AccessDeniedException ? "is not readable (permission denied)"
                : java.nio.file.Files.isDirectory(file) ? "is a folder; expected a file"
                : "cannot be read: " + e.getMessage();
        return new FormatException(file, null, why, e);
    }

    /** The file at fault, or {@code null} for an in-memory source. */
    public Path file() {
        return file;
    }

    /** The field, header entry, tensor name or line at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
