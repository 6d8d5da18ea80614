package io.github.mubench.unlearn.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.chat.ChatTemplate;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training examples through a chat template: the completion the loss is taken on is the reply and the template's
 * end-of-turn marker, as tokens of the model's own tokenizer (the real Phi-3 tokenizer and template, where
 * {@code <|end|>} is the special token 32007; and the Llama-2 format on the same SentencePiece vocabulary, where
 * {@code </s>} is 2). The string-level split for Llama-2, Llama-3, Mistral, Qwen2 and Phi-3 is ChatTemplateTest's.
 */
class TokenizedExampleTest {
    private static final Path PHI3 = Path.of("..", "data", "phi3_tokenizer");
    private static final UnlearnExample EXAMPLE = new UnlearnExample("Hi", "Hello.");

    private static LoadedModel withTemplate(ChatTemplate template) {
        return new LoadedModel(new Fixture("llama").checkpoint(), HfTokenizer.load(PHI3.resolve("tokenizer.json")), template);
    }

    @Test
    void phi3CompletionEndsWithItsEndToken() throws Exception {
        Path config = PHI3.resolve("tokenizer_config.json");
        LoadedModel model = withTemplate(ChatTemplate.fromTokenizerConfig(config, new ObjectMapper().readTree(config.toFile())));
        TokenizedExample t = TokenizedExample.of(model, EXAMPLE);
        assertArrayEquals(model.encodeChat(List.of(ChatMessage.user("Hi")), true), t.promptIds(), "the prompt is what generation sees");
        assertArrayEquals(model.tokenizer().encode("<|user|>\nHi<|end|>\n<|assistant|>\nHello.<|end|>\n", false), t.ids());
        int end = model.tokenizer().encode("<|end|>", false)[0];
        assertEquals(32007, end);
        int[] r = t.responseIds();
        assertEquals(1, Arrays.stream(r).filter(id -> id == end).count(), "the end-of-turn token is a target");
        assertEquals(13, r[r.length - 1], "and so is the newline the template writes after it (<0x0A>)");
    }

    @Test
    void llama2CompletionEndsWithEos() {
        String llama2 = "{%- for m in messages -%}{%- if m['role'] == 'user' -%}{{ bos_token + '[INST] ' + m['content'].strip() + ' [/INST]' }}"
                + "{%- else -%}{{ ' ' + m['content'].strip() + ' ' + eos_token }}{%- endif -%}{%- endfor -%}";
        LoadedModel model = withTemplate(new ChatTemplate(llama2, "<s>", "</s>"));
        TokenizedExample t = TokenizedExample.of(model, EXAMPLE);
        assertEquals(1, t.promptIds()[0], "<s>");
        assertEquals(2, t.responseIds()[t.responseIds().length - 1], "</s> is the last target");
        assertEquals("Hello. </s>", model.tokenizer().decode(t.responseIds(), false).strip());
    }

    @Test
    void plainFallbackEndsWithTheTokenizersEos() {
        LoadedModel stories = Models.stories260K();
        TokenizedExample t = TokenizedExample.of(stories, new UnlearnExample("Once upon a time", "there was a cat."));
        assertEquals(stories.checkpoint().config().eosTokenIds().get(0), t.responseIds()[t.responseIds().length - 1]);
        int[] text = stories.tokenizer().encode("Once upon a time\nthere was a cat.", true);
        assertArrayEquals(text, Arrays.copyOf(t.ids(), t.length() - 1), "prompt, newline, response as running text");
    }
}
