package io.github.mubench.tensor.chat;

import io.github.mubench.tensor.io.FormatException;

/** A chat template that cannot be rendered: a template error, {@code raise_exception}, or a limit exceeded. */
public class ChatTemplateException extends FormatException {
    public ChatTemplateException(String message) {
        super(null, null, message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(null, null, message, cause);
    }
}
