package io.github.mubench.tensor.chat;

/**
 * One turn of a conversation.
 *
 * @param role    {@code system}, {@code user} or {@code assistant} (templates may know others)
 * @param content the text
 */
public record ChatMessage(String role, String content) {
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
