package io.github.mubench.eval.task;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;

import java.util.List;

/**
 * What a request conditions on: plain text (encoded with the tokenizer's special tokens, as lm-evaluation-harness
 * does), or a conversation rendered through the model's chat template with the assistant's turn opened.
 *
 * @param text     the plain text, or {@code null} for a conversation
 * @param messages the conversation, or {@code null} for plain text
 */
public record Prompt(String text, List<ChatMessage> messages) {
    public Prompt {
        if ((text == null) == (messages == null)) {
            throw new IllegalArgumentException("a prompt is either text or a conversation");
        }
        messages = messages == null ? null : List.copyOf(messages);
    }

    /** Plain text. */
    public static Prompt text(String text) {
        return new Prompt(text, null);
    }

    /** A conversation (its last message a user turn). */
    public static Prompt chat(List<ChatMessage> messages) {
        return new Prompt(null, messages);
    }

    /** One user turn, after a system message when {@code system} is not {@code null}. */
    public static Prompt user(String system, String user) {
        return chat(system == null ? List.of(ChatMessage.user(user)) : List.of(ChatMessage.system(system), ChatMessage.user(user)));
    }

    /** Whether this is a conversation (rendered with the chat template, no special tokens added again). */
    public boolean isChat() {
        return messages != null;
    }

    /** The text the model's tokenizer sees. */
    public String render(LoadedModel model) {
        return isChat() ? model.chatTemplate().render(messages, true) : text;
    }

    /** The token ids the model sees. */
    public int[] encode(LoadedModel model) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("evaluation needs the model's tokenizer; this model has none loaded");
        }
        return isChat() ? model.encodeChat(messages, true) : model.tokenizer().encode(text, true);
    }

    /** Whether the rendered text already holds the tokenizer's special tokens (a chat template writes them). */
    public boolean rendersSpecialTokens(LoadedModel model) {
        return isChat() && !model.chatTemplate().isPlain();
    }
}
