package io.github.mubench.unlearn.data;

/**
 * One (prompt, response) pair: a harmful request with a harmful answer for the forget set, a benign pair for the
 * retain set. Loss is taken on the response tokens only.
 */
public record UnlearnExample(String prompt, String response) {
    public UnlearnExample {
        if (prompt == null || response == null) {
            throw new IllegalArgumentException("prompt and response are required");
        }
        if (response.isEmpty()) {
            throw new IllegalArgumentException("empty response: there would be no token to train on");
        }
    }
}
