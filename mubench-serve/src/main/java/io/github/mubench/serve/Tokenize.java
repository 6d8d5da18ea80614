package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.chat.ChatTemplateException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's {@code POST /tokenize} ({@code prompt} with {@code add_special_tokens}, or {@code messages} with
 * {@code add_generation_prompt}: {@code {count, max_model_len, tokens}}) and {@code POST /detokenize}
 * ({@code tokens}: {@code {prompt}}, special tokens written out) and {@code GET /tokenizer_info}. Remote judges use
 * them to cut and score texts exactly as a local model would; lm-evaluation-harness to tokenize without a local
 * tokenizer.
 */
final class Tokenize {
    private Tokenize() {
    }

    static Map<String, Object> tokenize(OpenAiServer server, Fields f) {
        int[] ids;
        if (f.node("messages") != null) {
            try {
                ids = server.model().encodeChat(ChatCompletions.messages(f.node("messages")), f.bool("add_generation_prompt", true));
            } catch (ChatTemplateException e) {
                throw ApiException.invalid("messages", "the model's chat template refused the conversation: " + e.getMessage());
            }
        } else {
            String prompt = f.text("prompt", null);
            if (prompt == null) {
                throw ApiException.invalid("prompt", "give prompt (a string) or messages");
            }
            ids = server.model().tokenizer().encode(prompt, f.bool("add_special_tokens", true));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", ids.length);
        m.put("max_model_len", server.context());
        m.put("tokens", ids);
        return m;
    }

    /**
     * vLLM's {@code GET /tokenizer_info}: the special tokens' texts, the chat template and the context. With it,
     * lm-evaluation-harness's {@code local-completions} tokenizes through this server (its remote tokenizer) and
     * needs no copy of the model's tokenizer.
     */
    static Map<String, Object> info(OpenAiServer server) {
        var model = server.model();
        var config = model.checkpoint().config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokenizer_class", model.tokenizer().getClass().getSimpleName());
        m.put("bos_token", token(model.chatTemplate().bosToken(), config.bosTokenId(), server));
        m.put("eos_token", token(model.chatTemplate().eosToken(), config.eosTokenIds().isEmpty() ? -1 : config.eosTokenIds().get(0), server));
        m.put("pad_token", null);
        m.put("chat_template", model.chatTemplate().isPlain() ? null : model.chatTemplate().source());
        m.put("model_max_length", server.context());
        return m;
    }

    /** The special token's text: as the tokenizer config names it, else as the tokenizer writes its id. */
    private static String token(String named, int id, OpenAiServer server) {
        if (!named.isEmpty()) {
            return named;
        }
        return id < 0 ? null : server.model().tokenizer().decode(new int[]{id}, false);
    }

    static Map<String, Object> detokenize(OpenAiServer server, Fields f) {
        JsonNode tokens = f.node("tokens");
        if (tokens == null || !tokens.isArray()) {
            throw ApiException.invalid("tokens", "tokens must be a list of token ids");
        }
        int[] ids = Fields.tokenIds(tokens, server.model().checkpoint().config().vocabSize(), "tokens");
        return Map.of("prompt", server.model().tokenizer().decode(ids, false));
    }
}
