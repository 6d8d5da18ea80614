package io.github.mubench.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server refuses, answered in OpenAI's error shape:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @see #body()
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;

    /**
     * @param status the HTTP status
     * @param type   OpenAI's error type, e.g. {@code invalid_request_error}
     * @param param  the request field at fault, or {@code null}
     */
    public ApiException(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400 for a bad value of {@code param}. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, message);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The JSON body. */
    public Map<String, Object> body() {
        return body(getMessage(), type, param);
    }

    /** An OpenAI-shaped error body. */
    public static Map<String, Object> body(String message, String type, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", null);
        return Map.of("error", error);
    }
}
