package io.github.mubench.serve;

import java.time.Duration;

/**
 * How {@code mubench serve} listens and what it accepts.
 *
 * @param host           address to bind; loopback by default, so nothing outside this machine can reach the model
 * @param port           TCP port; 0 picks a free one
 * @param apiKey         when set, every request must carry {@code Authorization: Bearer KEY}; {@code null}: none
 * @param modelName      the name {@code /v1/models} lists and requests may give as {@code model}
 * @param maxBatch       rows generated together at most
 * @param maxQueued      rows waiting at most; more are refused with 503
 * @param maxBodyBytes   largest request body; larger ones get 413
 * @param maxTokens      largest {@code max_tokens} a request may ask for
 * @param requestTimeout how long a request may wait and run; then it is stopped and answered 504
 * @param batchWindow    how long a batch waits at most for as many rows as the last batch had
 */
public record ServeSettings(String host, int port, String apiKey, String modelName, int maxBatch, int maxQueued,
                            long maxBodyBytes, int maxTokens, Duration requestTimeout, Duration batchWindow) {
    /**
     * Loopback, port 8000, no key, batches of 16 gathered for up to 50 ms, 256 rows queued, 4 MiB bodies, 4096 new tokens,
     * 10 minutes a request.
     */
    public static ServeSettings defaults(String modelName) {
        return new ServeSettings("127.0.0.1", 8000, null, modelName, 16, 256, 4L << 20, 4096, Duration.ofMinutes(10),
                Duration.ofMillis(50));
    }

    /** Checks the values; see the record's components. */
    public ServeSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBatch < 1 || maxQueued < 1 || maxBodyBytes < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("max-batch, max-queued, max-body and max-tokens must be >= 1");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
        }
        if (batchWindow.isNegative()) {
            throw new IllegalArgumentException("the batch window must be >= 0, got " + batchWindow);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key is blank");
        }
    }

    /** These settings on port {@code p}. */
    public ServeSettings withPort(int p) {
        return new ServeSettings(host, p, apiKey, modelName, maxBatch, maxQueued, maxBodyBytes, maxTokens, requestTimeout, batchWindow);
    }

    /** These settings requiring {@code key} ({@code null}: none). */
    public ServeSettings withApiKey(String key) {
        return new ServeSettings(host, port, key, modelName, maxBatch, maxQueued, maxBodyBytes, maxTokens, requestTimeout, batchWindow);
    }

    /** These settings with other batch, queue, body, token and time limits. */
    public ServeSettings withLimits(int batch, int queued, long bodyBytes, int tokens, Duration timeout) {
        return new ServeSettings(host, port, apiKey, modelName, batch, queued, bodyBytes, tokens, timeout, batchWindow);
    }

    /** These settings with another batch window. */
    public ServeSettings withBatchWindow(Duration window) {
        return new ServeSettings(host, port, apiKey, modelName, maxBatch, maxQueued, maxBodyBytes, maxTokens, requestTimeout, window);
    }
}
