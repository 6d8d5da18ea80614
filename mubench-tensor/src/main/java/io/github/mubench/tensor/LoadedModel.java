package io.github.mubench.tensor;

import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.chat.ChatTemplate;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.tokenizer.Tokenizer;

import java.util.List;

/**
 * A checkpoint together with its tokenizer and chat template.
 *
 * @param checkpoint   configuration and weights
 * @param tokenizer    the model's tokenizer, or {@code null} when none was found (the model then works on ids)
 * @param chatTemplate the model's chat template, or {@link ChatTemplate#plain()} when it has none
 */
public record LoadedModel(Checkpoint checkpoint, Tokenizer tokenizer, ChatTemplate chatTemplate) {

    /** An inference model over the checkpoint's weights (the implementation {@link Kernels} selects). */
    public LanguageModel inference() {
        return Kernels.inference(checkpoint);
    }

    /**
     * Token ids of a conversation as the model expects it: rendered with its chat template and encoded without
     * adding special tokens again (the template writes them), as transformers' {@code apply_chat_template} does;
     * the plain fallback is encoded like ordinary text.
     */
    public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("this model has no tokenizer loaded; chat needs one");
        }
        return tokenizer.encode(chatTemplate.render(messages, addGenerationPrompt), chatTemplate.isPlain());
    }
}
