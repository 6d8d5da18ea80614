package io.github.mubench.unlearn.data;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.chat.ChatTemplate;

import java.util.Arrays;
import java.util.List;

/**
 * An example as the model sees it in training: the prompt as a user turn of the model's chat template (through the
 * opened assistant turn), then the completion: the response <em>and</em> the template's end-of-turn marker (see
 * {@link ChatTemplate#promptCompletion}); the loss is taken on the completion. Models without a chat template get
 * prompt, newline, response and the tokenizer's EOS token.
 *
 * @param promptIds   context tokens (no loss)
 * @param responseIds completion tokens (the loss is taken on these)
 */
public record TokenizedExample(int[] promptIds, int[] responseIds) {

    /**
     * Tokenizes with the model's chat template. The completion's tokens are those of the whole text past the
     * prompt's, so a token spanning the boundary is tokenized as in running text.
     */
    public static TokenizedExample of(LoadedModel model, UnlearnExample e) {
        ChatTemplate template = model.chatTemplate();
        boolean plain = template.isPlain();
        ChatTemplate.PromptCompletion text = template.promptCompletion(List.of(ChatMessage.user(e.prompt())), e.response());
        int[] promptIds = model.tokenizer().encode(text.prompt(), plain);
        int[] all = model.tokenizer().encode(text.prompt() + text.completion(), plain);
        List<Integer> eos = model.checkpoint().config().eosTokenIds();
        if (plain && !eos.isEmpty()) { // a chat template writes its own end of turn
            all = Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = eos.get(0);
        }
        int cut = Math.min(promptIds.length, all.length - 1);
        return new TokenizedExample(Arrays.copyOf(all, cut), Arrays.copyOfRange(all, cut, all.length));
    }

    /**
     * The example as a row of {@code tokens} tokens holds it: cut from the left (the prompt first, then the start of
     * the response), keeping at least one context token; unchanged when it fits.
     */
    public TokenizedExample lastTokens(int tokens) {
        if (length() <= tokens) {
            return this;
        }
        int[] ids = ids();
        int from = ids.length - tokens, promptEnd = Math.max(promptIds.length, from + 1);
        return new TokenizedExample(Arrays.copyOfRange(ids, from, promptEnd), Arrays.copyOfRange(ids, promptEnd, ids.length));
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
