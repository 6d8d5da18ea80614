package io.github.mubench.tensor.chat;

/** A chat template that cannot be rendered: a template error, {@code raise_exception}, or a limit exceeded. */
public class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
