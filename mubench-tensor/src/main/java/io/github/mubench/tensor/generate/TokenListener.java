package io.github.mubench.tensor.generate;

/** Receives generated text as it is produced (streaming), and each row's result as soon as that row ends. */
@FunctionalInterface
public interface TokenListener {
    /** Listens to nothing. */
    TokenListener NONE = (row, token, delta) -> {
    };

    /**
     * @param row   which prompt of the batch
     * @param token the id just generated (-1 for text flushed when a row ends without a new token)
     * @param delta text that this token completed (may be empty while a multi-byte character is unfinished)
     */
    void onToken(int row, int token, String delta);

    /** Called once per row when it ends, possibly long before the batch does. */
    default void onFinish(int row, Generation generation) {
    }

    /** Asked before each step: true stops the row (its result says {@link Generation.Finish#CANCELLED}). */
    default boolean cancelled(int row) {
        return false;
    }
}
