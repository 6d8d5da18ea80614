package io.github.mubench.tensor.generate;

/**
 * A model in a chat role (attacker, judge, translator): the reply to a conversation of an optional system message
 * and one user message. {@link LocalChatModel} runs a loaded model; {@code RemoteChatModel} asks an OpenAI-compatible
 * endpoint; both cut a conversation longer than the context to its most recent tokens.
 */
public interface ChatModel {
    /** The reply to {@code user} after an optional {@code system} message ({@code null}: none), seeded by {@code seed}. */
    String reply(String system, String user, long seed);

    /** Conversations cut to fit the context so far. */
    int truncated();
}
