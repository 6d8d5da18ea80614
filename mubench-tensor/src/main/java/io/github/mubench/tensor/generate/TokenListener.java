package io.github.mubench.tensor.generate;

/** Receives generated text as it is produced (streaming). */
@FunctionalInterface
public interface TokenListener {
    /** Listens to nothing. */
    TokenListener NONE = (row, token, delta) -> {
    };

    /**
     * @param row   which prompt of the batch
     * @param token the id just generated
     * @param delta text that this token completed (may be empty while a multi-byte character is unfinished)
     */
    void onToken(int row, int token, String delta);
}
