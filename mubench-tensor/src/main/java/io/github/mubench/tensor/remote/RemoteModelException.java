package io.github.mubench.tensor.remote;

/** An OpenAI-compatible endpoint refused a request or could not be reached, after the retries allowed. */
public class RemoteModelException extends RuntimeException {
    private final int status;

    /**
     * @param status the HTTP status, or 0 when no answer came
     */
    public RemoteModelException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
