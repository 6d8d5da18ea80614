package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.TokenLogprob;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/completions}: {@code prompt} as a string, a list of strings, token ids or a list of token-id lists;
 * {@code max_tokens} (default 16), sampling fields, {@code n}, {@code logprobs} (0–20 alternatives), {@code echo},
 * {@code stream}; vLLM's {@code add_special_tokens} (default true) and {@code truncate_prompt_tokens}.
 * {@code echo} + {@code logprobs} scores the prompt: what lm-evaluation-harness's {@code local-completions} sends for
 * log-likelihoods ({@code max_tokens} 0 or 1; the prompt's first token has no log-probability, {@code null}).
 */
final class Completions {
    private final OpenAiServer server;

    Completions(OpenAiServer server) {
        this.server = server;
    }

    void handle(Context ctx, Fields f) throws IOException {
        server.checkModel(f);
        f.unsupported("suffix");
        f.unsupported("best_of", 1);
        Tokenizer tok = server.model().tokenizer();
        boolean special = f.bool("add_special_tokens", true);
        int truncate = f.integer("truncate_prompt_tokens", 0, 1, Integer.MAX_VALUE);
        List<int[]> prompts = prompts(f.node("prompt"), tok, special);
        List<String> texts = new ArrayList<>();
        JsonNode p = f.node("prompt");
        for (int i = 0; i < prompts.size(); i++) {
            int[] ids = prompts.get(i);
            if (truncate > 0 && ids.length > truncate) {
                prompts.set(i, ids = Arrays.copyOfRange(ids, ids.length - truncate, ids.length));
            }
            String given = p.isTextual() ? p.asText() : p.get(i) != null && p.get(i).isTextual() ? p.get(i).asText() : null;
            texts.add(given != null && truncate == 0 ? given : tok.decode(ids, true));
        }
        int n = f.integer("n", 1, 1, 16);
        boolean echo = f.bool("echo", false);
        int logprobs = f.integer("logprobs", -1, 0, 20);
        int maxTokens = f.integer("max_tokens", 16, 0, server.settings().maxTokens());
        boolean stream = f.bool("stream", false);
        if (stream && logprobs >= 0) {
            throw ApiException.invalid("logprobs", "log-probabilities are not streamed: ask for them without stream");
        }
        GenerationConfig base = Sampling.config(f, maxTokens).withLogprobs(logprobs).withEchoLogprobs(echo && logprobs >= 0);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            for (int c = 0; c < n; c++) {
                rows.add(new Row(i * n + c, prompts.get(i), texts.get(i), base.withSeed(base.seed() + c)));
            }
        }
        String id = server.newId("cmpl");
        if (stream) {
            JsonNode options = f.node("stream_options");
            server.stream(ctx, rows, new Chunks(id, echo), options != null && options.path("include_usage").asBoolean(false));
            return;
        }
        List<Generation> out = server.generate(rows);
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            choices.add(choice(rows.get(i), out.get(i), echo, logprobs));
        }
        Map<String, Object> body = server.head(id, "text_completion");
        body.put("choices", choices);
        body.put("usage", Usage.of(rows, out));
        OpenAiServer.json(ctx, 200, body);
    }

    /** The prompts of {@code node}, encoded; ids are checked against the vocabulary. */
    private List<int[]> prompts(JsonNode node, Tokenizer tok, boolean special) {
        if (node == null) {
            throw ApiException.invalid("prompt", "prompt is required");
        }
        List<int[]> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(tok.encode(node.asText(), special));
        } else if (node.isArray() && node.size() > 0 && node.get(0).isIntegralNumber()) {
            out.add(ids(node));
        } else if (node.isArray() && node.size() > 0) {
            for (JsonNode p : node) {
                if (p.isTextual()) {
                    out.add(tok.encode(p.asText(), special));
                } else if (p.isArray()) {
                    out.add(ids(p));
                } else {
                    throw ApiException.invalid("prompt", "prompt lists hold strings or token-id lists, got " + p.getNodeType().name().toLowerCase());
                }
            }
        } else {
            throw ApiException.invalid("prompt", "prompt must be a string, token ids, or a non-empty list of either");
        }
        if (out.stream().anyMatch(ids -> ids.length == 0)) {
            throw ApiException.invalid("prompt", "a prompt encodes to no tokens (this tokenizer adds no BOS token): give some text");
        }
        return out;
    }

    private int[] ids(JsonNode array) {
        return Fields.tokenIds(array, server.model().checkpoint().config().vocabSize(), "prompt");
    }

    private Map<String, Object> choice(Row row, Generation g, boolean echo, int logprobs) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("index", row.index());
        c.put("text", (echo ? row.promptText() : "") + g.text());
        c.put("logprobs", logprobs < 0 ? null : logprobs(row, g, echo));
        c.put("finish_reason", Usage.finishReason(g));
        return c;
    }

    /** OpenAI's legacy logprobs object: tokens, token_logprobs, top_logprobs, text_offset. */
    private Map<String, Object> logprobs(Row row, Generation g, boolean echo) {
        Tokenizer tok = server.model().tokenizer();
        int[] all = Arrays.copyOf(row.prompt(), row.prompt().length + g.tokens().length);
        System.arraycopy(g.tokens(), 0, all, row.prompt().length, g.tokens().length);
        int from = echo ? 0 : row.prompt().length;
        List<String> tokens = new ArrayList<>();
        List<Double> lps = new ArrayList<>();
        List<Map<String, Double>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int offset = 0; // into the returned text, as vLLM counts
        for (int i = from; i < all.length; i++) {
            String piece = TokenPieces.piece(tok, all, i);
            tokens.add(piece);
            offsets.add(offset);
            offset += TokenPieces.piece(tok, all, i, true).length(); // special tokens are not in the text
            TokenLogprob t = i == 0 ? null : i < row.prompt().length ? g.promptLogprobs().get(i - 1) : g.logprobs().get(i - row.prompt().length);
            lps.add(t == null ? null : t.logprob());
            tops.add(t == null ? null : alternatives(all, i, t));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", tokens);
        m.put("token_logprobs", lps);
        m.put("top_logprobs", tops);
        m.put("text_offset", offsets);
        return m;
    }

    /** The alternatives at position {@code i}, each written as it would read there. */
    private Map<String, Double> alternatives(int[] all, int i, TokenLogprob t) {
        Map<String, Double> m = new LinkedHashMap<>();
        int[] window = TokenPieces.window(all, i);
        for (int k = 0; k < t.topTokens().length; k++) {
            window[window.length - 1] = t.topTokens()[k];
            m.putIfAbsent(TokenPieces.piece(server.model().tokenizer(), window, window.length - 1), t.topLogprobs()[k]);
        }
        return m;
    }

    /** Streamed {@code text_completion} chunks: the echoed prompt first, then text, then the finish reason. */
    private final class Chunks implements StreamFormat {
        private final String id;
        private final boolean echo;

        Chunks(String id, boolean echo) {
            this.id = id;
            this.echo = echo;
        }

        private Map<String, Object> chunk(Row row, String text, String finish) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", row.index());
            c.put("text", text);
            c.put("logprobs", null);
            c.put("finish_reason", finish);
            Map<String, Object> m = server.head(id, "text_completion");
            m.put("choices", List.of(c));
            return m;
        }

        @Override
        public List<Map<String, Object>> open(Row row) {
            return echo ? List.of(chunk(row, row.promptText(), null)) : List.of();
        }

        @Override
        public Map<String, Object> delta(Row row, String text) {
            return chunk(row, text, null);
        }

        @Override
        public Map<String, Object> end(Row row, Generation generation) {
            return chunk(row, "", Usage.finishReason(generation));
        }

        @Override
        public Map<String, Object> usage(Map<String, Object> usage) {
            return StreamFormat.usageEvent(server.head(id, "text_completion"), usage);
        }
    }
}
