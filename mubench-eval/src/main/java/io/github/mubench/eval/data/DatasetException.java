package io.github.mubench.eval.data;

/** A data file that cannot be read as the dataset it should be: names the file, the line, and what was expected. */
public final class DatasetException extends RuntimeException {
    private final String file;
    private final long line;

    /**
     * @param file the file or bundled resource
     * @param line 1-based line of the problem, or 0 when it concerns the whole file
     */
    public DatasetException(String file, long line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public long line() {
        return line;
    }
}
