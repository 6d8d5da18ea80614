package io.github.mubench.unlearn.data;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;

import java.util.Arrays;
import java.util.List;

/**
 * An example as the model sees it: the prompt rendered as a user turn of the model's chat template (with the
 * assistant's turn opened), then the response's tokens.
 *
 * @param promptIds   context tokens (no loss)
 * @param responseIds response tokens (the loss is taken on these)
 */
public record TokenizedExample(int[] promptIds, int[] responseIds) {

    /**
     * Tokenizes with the model's chat template (for the plain fallback of base models, prompt and response are
     * separated by a newline). The response's tokens are those of the whole text past the prompt's, so a token
     * spanning the boundary is tokenized as in running text.
     */
    public static TokenizedExample of(LoadedModel model, UnlearnExample e) {
        boolean plain = model.chatTemplate().isPlain();
        String prompt = model.chatTemplate().render(List.of(ChatMessage.user(e.prompt())), true);
        int[] promptIds = model.tokenizer().encode(prompt, plain);
        int[] all = model.tokenizer().encode(prompt + (plain ? "\n" : "") + e.response(), plain);
        int cut = Math.min(promptIds.length, all.length - 1);
        return new TokenizedExample(Arrays.copyOf(all, cut), Arrays.copyOfRange(all, cut, all.length));
    }

    /** Prompt then response. */
    public int[] ids() {
        int[] all = Arrays.copyOf(promptIds, promptIds.length + responseIds.length);
        System.arraycopy(responseIds, 0, all, promptIds.length, responseIds.length);
        return all;
    }

    public int length() {
        return promptIds.length + responseIds.length;
    }
}
