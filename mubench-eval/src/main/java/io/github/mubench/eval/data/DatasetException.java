package io.github.mubench.eval.data;

import io.github.mubench.tensor.io.FormatException;

import java.nio.file.Path;

/** A data file that cannot be read as the dataset it should be: names the file, the line, and what was expected. */
public final class DatasetException extends FormatException {
    private final long line;

    /**
     * @param file the file or bundled resource
     * @param line 1-based line of the problem, or 0 when it concerns the whole file
     */
    public DatasetException(String file, long line, String problem) {
        super(Path.of(file), line > 0 ? "line " + line : null, problem);
        this.line = line;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public long line() {
        return line;
    }
}
