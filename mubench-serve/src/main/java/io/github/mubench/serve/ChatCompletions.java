package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.chat.ChatTemplateException;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.TokenLogprob;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/chat/completions}: {@code messages} rendered with the model's chat template (as transformers'
 * {@code apply_chat_template} with a generation prompt), then generated like a completion. {@code max_tokens} or
 * {@code max_completion_tokens} (default: the rest of the context), sampling fields, {@code n}, {@code logprobs} with
 * {@code top_logprobs}, {@code stream}.
 */
final class ChatCompletions {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private final OpenAiServer server;

    ChatCompletions(OpenAiServer server) {
        this.server = server;
    }

    void handle(Context ctx, Fields f) throws IOException {
        server.checkModel(f);
        f.unsupported("tools");
        f.unsupported("response_format");
        int[] prompt = encode(f);
        int truncate = f.integer("truncate_prompt_tokens", 0, 1, Integer.MAX_VALUE);
        if (truncate > 0 && prompt.length > truncate) {
            prompt = Arrays.copyOfRange(prompt, prompt.length - truncate, prompt.length);
        }
        int room = Math.min(server.settings().maxTokens(), server.context() - prompt.length);
        if (room < 1) {
            throw ApiException.invalid("messages", "the conversation takes " + prompt.length + " tokens, and this model's context is "
                    + server.context() + " (truncate_prompt_tokens keeps its end)");
        }
        int maxTokens = f.integer("max_completion_tokens", f.integer("max_tokens", room, 0, server.settings().maxTokens()), 0,
                server.settings().maxTokens());
        boolean logprobs = f.bool("logprobs", false);
        int top = f.integer("top_logprobs", 0, 0, 20);
        if (f.node("top_logprobs") != null && !logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs: true");
        }
        int n = f.integer("n", 1, 1, 16);
        boolean stream = f.bool("stream", false);
        if (stream && logprobs) {
            throw ApiException.invalid("logprobs", "log-probabilities are not streamed: ask for them without stream");
        }
        GenerationConfig base = Sampling.config(f, maxTokens).withLogprobs(logprobs ? top : -1);
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            rows.add(new Row(c, prompt, null, base.withSeed(base.seed() + c)));
        }
        String id = server.newId("chatcmpl");
        if (stream) {
            JsonNode options = f.node("stream_options");
            server.stream(ctx, rows, new Chunks(id), options != null && options.path("include_usage").asBoolean(false));
            return;
        }
        List<Generation> out = server.generate(rows);
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Generation g = out.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", i);
            c.put("message", Map.of("role", "assistant", "content", g.text()));
            c.put("logprobs", logprobs ? Map.of("content", content(prompt, g)) : null);
            c.put("finish_reason", Usage.finishReason(g));
            choices.add(c);
        }
        Map<String, Object> body = server.head(id, "chat.completion");
        body.put("choices", choices);
        body.put("usage", Usage.of(rows, out));
        OpenAiServer.json(ctx, 200, body);
    }

    /** The conversation's token ids through the chat template. */
    private int[] encode(Fields f) {
        List<ChatMessage> messages = messages(f.node("messages"));
        try {
            return server.model().encodeChat(messages, f.bool("add_generation_prompt", true));
        } catch (ChatTemplateException e) {
            throw ApiException.invalid("messages", "the model's chat template refused the conversation: " + e.getMessage());
        }
    }

    /** {@code messages}: objects with a role and a content string (or a list of text parts). */
    static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty list of {role, content}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : node) {
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw ApiException.invalid("messages", "message " + out.size() + ": role must be one of " + ROLES + ", got " + m.path("role"));
            }
            JsonNode content = m.get("content");
            String text;
            if (content != null && content.isTextual()) {
                text = content.asText();
            } else if (content != null && content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                        throw ApiException.invalid("messages", "message " + out.size() + ": only text content parts are supported");
                    }
                    sb.append(part.get("text").asText());
                }
                text = sb.toString();
            } else {
                throw ApiException.invalid("messages", "message " + out.size() + ": content must be a string or a list of text parts");
            }
            out.add(new ChatMessage(role, text));
        }
        return out;
    }

    /** Chat-style logprobs: per generated token its text, log-probability, UTF-8 bytes and alternatives. */
    private List<Map<String, Object>> content(int[] prompt, Generation g) {
        int[] all = Arrays.copyOf(prompt, prompt.length + g.tokens().length);
        System.arraycopy(g.tokens(), 0, all, prompt.length, g.tokens().length);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < g.tokens().length; i++) {
            int at = prompt.length + i;
            TokenLogprob t = g.logprobs().get(i);
            List<Map<String, Object>> alternatives = new ArrayList<>();
            int[] window = TokenPieces.window(all, at);
            for (int k = 0; k < t.topTokens().length; k++) {
                window[window.length - 1] = t.topTokens()[k];
                alternatives.add(entry(TokenPieces.piece(server.model().tokenizer(), window, window.length - 1), t.topLogprobs()[k], null));
            }
            out.add(entry(TokenPieces.piece(server.model().tokenizer(), all, at), t.logprob(), alternatives));
        }
        return out;
    }

    private static Map<String, Object> entry(String token, double logprob, List<Map<String, Object>> top) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", token);
        m.put("logprob", logprob);
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        List<Integer> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b & 0xff);
        }
        m.put("bytes", list);
        if (top != null) {
            m.put("top_logprobs", top);
        }
        return m;
    }

    /** Streamed {@code chat.completion.chunk}s: the role first, then content deltas, then the finish reason. */
    private final class Chunks implements StreamFormat {
        private final String id;

        Chunks(String id) {
            this.id = id;
        }

        private Map<String, Object> chunk(Row row, Map<String, Object> delta, String finish) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", row.index());
            c.put("delta", delta);
            c.put("logprobs", null);
            c.put("finish_reason", finish);
            Map<String, Object> m = server.head(id, "chat.completion.chunk");
            m.put("choices", List.of(c));
            return m;
        }

        @Override
        public List<Map<String, Object>> open(Row row) {
            return List.of(chunk(row, Map.of("role", "assistant", "content", ""), null));
        }

        @Override
        public Map<String, Object> delta(Row row, String text) {
            return chunk(row, Map.of("content", text), null);
        }

        @Override
        public Map<String, Object> end(Row row, Generation generation) {
            return chunk(row, Map.of(), Usage.finishReason(generation));
        }

        @Override
        public Map<String, Object> usage(Map<String, Object> usage) {
            return StreamFormat.usageEvent(server.head(id, "chat.completion.chunk"), usage);
        }
    }
}
