package io.github.mubench.unlearn.data;

/**
 * One (prompt, response) pair: a harmful request with a harmful answer for the forget set, a benign pair for the
 * retain set. Loss is taken on the response tokens only. A forget example may carry a refusal of its prompt, for
 * the methods that train towards refusing (Eraser, Safe Unlearning, DPO's chosen response).
 *
 * @param refusal a refusal of the prompt, or {@code null} (then the trainer asks the original model for one)
 */
public record UnlearnExample(String prompt, String response, String refusal) {
    public UnlearnExample {
        if (prompt == null || response == null) {
            throw new IllegalArgumentException("prompt and response are required");
        }
        if (response.isEmpty()) {
            throw new IllegalArgumentException("empty response: there would be no token to train on");
        }
        if (refusal != null && refusal.isEmpty()) {
            throw new IllegalArgumentException("empty refusal: there would be no token to train on");
        }
    }

    /** An example without a refusal. */
    public UnlearnExample(String prompt, String response) {
        this(prompt, response, null);
    }

    /** This example with {@code text} as its refusal. */
    public UnlearnExample withRefusal(String text) {
        return new UnlearnExample(prompt, response, text);
    }
}
