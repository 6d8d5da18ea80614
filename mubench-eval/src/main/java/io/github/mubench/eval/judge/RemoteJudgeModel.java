package io.github.mubench.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.remote.RemoteModelException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A judge model behind an OpenAI-compatible endpoint that also answers vLLM's {@code /tokenize} and
 * {@code /detokenize} ({@code mubench serve}, vLLM): prompts go to {@code /completions} as text (with vLLM's
 * {@code add_special_tokens}), conversations to {@code /chat/completions}, answers are scored with {@code echo} +
 * {@code logprobs}, tokens are counted and cut by the endpoint's tokenizer. Greedy throughout; a prompt longer than
 * the endpoint's context keeps its end ({@code truncate_prompt_tokens}), as {@link LocalJudgeModel} cuts it.
 * Requests run concurrently up to the client's limit, and the server batches them.
 */
public final class RemoteJudgeModel implements JudgeModel {
    private static final List<ChatMessage> PROBE = List.of(ChatMessage.user("{user}"), ChatMessage.assistant("{assistant}"));
    private final OpenAiClient client;
    private volatile String template;

    /** A judge model behind {@code client}'s endpoint. */
    public RemoteJudgeModel(OpenAiClient client) {
        this.client = client;
    }

    @Override
    public String fingerprint() {
        return client.identity();
    }

    private Map<String, Object> request(int maxNewTokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", client.model());
        body.put("max_tokens", maxNewTokens);
        body.put("temperature", 0);
        int room = client.promptRoom(maxNewTokens);
        if (room > 0) {
            body.put("truncate_prompt_tokens", room);
        }
        return body;
    }

    @Override
    public List<String> complete(List<String> prompts, boolean addSpecialTokens, int maxNewTokens) {
        return client.map(prompts, p -> {
            Map<String, Object> body = request(maxNewTokens);
            body.put("prompt", p);
            body.put("add_special_tokens", addSpecialTokens);
            return text(client.post("/completions", body).path("choices").path(0).path("text"), "/completions");
        });
    }

    @Override
    public List<String> chat(List<List<ChatMessage>> conversations, int maxNewTokens) {
        return client.map(conversations, c -> {
            Map<String, Object> body = request(maxNewTokens);
            body.put("messages", messages(c));
            return text(client.post("/chat/completions", body).path("choices").path(0).path("message").path("content"), "/chat/completions");
        });
    }

    /**
     * Each answer is scored as lm-evaluation-harness scores a continuation (and {@code LogLikelihood.Request.encode}
     * encodes it): the context's trailing spaces move to the answer, the answer's tokens are those of the whole text
     * past the context's own tokens, and the endpoint scores the context's tokens followed by them, sent as ids.
     */
    @Override
    public List<Split> split(List<String> prompts, String first, String second, boolean addSpecialTokens) {
        List<double[]> scored = client.map(prompts, p -> {
            String context = p.stripTrailing(), spaces = p.substring(context.length());
            int[] contextIds = tokenize(context, addSpecialTokens);
            if (contextIds.length == 0) {
                throw new IllegalArgumentException("a judge prompt that encodes to no tokens cannot be scored remotely");
            }
            double[] a = score(contextIds, tokenize(context + spaces + first, addSpecialTokens));
            double[] b = score(contextIds, tokenize(context + spaces + second, addSpecialTokens));
            return new double[]{a[0], a[1], b[0], b[1]};
        });
        return scored.stream().map(x -> Split.of(x[0], x[1] > 0, x[2], x[3] > 0)).toList();
    }

    /** {@code [logprob, greedy ? 1 : 0]} of the tokens of {@code whole} past the context's, after the context's. */
    private double[] score(int[] contextIds, int[] whole) {
        int n = whole.length - Math.min(contextIds.length, whole.length);
        if (n < 1) {
            throw new IllegalArgumentException("an answer that adds no tokens to its prompt cannot be scored");
        }
        int[] ids = Arrays.copyOf(contextIds, contextIds.length + n);
        System.arraycopy(whole, whole.length - n, ids, contextIds.length, n);
        Map<String, Object> body = request(0);
        body.put("prompt", ids);
        body.put("echo", true);
        body.put("logprobs", 1);
        JsonNode logprobs = client.post("/completions", body).path("choices").path(0).path("logprobs");
        JsonNode lps = logprobs.path("token_logprobs"), tops = logprobs.path("top_logprobs");
        if (!lps.isArray() || !tops.isArray() || lps.size() < n || tops.size() != lps.size()) {
            throw new RemoteModelException(client.baseUrl() + "/completions gave no prompt log-probabilities for " + n
                    + " answer tokens (does it support echo with logprobs?): " + logprobs, 200, null);
        }
        double sum = 0;
        boolean greedy = true;
        for (int i = lps.size() - n; i < lps.size(); i++) {
            double lp = lps.get(i).asDouble();
            sum += lp;
            double best = Double.NEGATIVE_INFINITY;
            for (var values = tops.get(i).elements(); values.hasNext(); ) {
                best = Math.max(best, values.next().asDouble());
            }
            greedy &= lp >= best;
        }
        return new double[]{sum, greedy ? 1 : 0};
    }

    @Override
    public String clip(String text, int maxTokens) {
        int[] ids = tokenize(text, false);
        return ids.length <= maxTokens ? text : detokenize(Arrays.copyOf(ids, maxTokens));
    }

    @Override
    public String renderChat(List<ChatMessage> messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", client.model());
        body.put("messages", messages(messages));
        body.put("add_generation_prompt", true);
        return detokenize(ids(client.postRoot("/tokenize", body)));
    }

    @Override
    public String chatTemplateIdentity() {
        if (template == null) {
            template = renderChat(PROBE);
        }
        return template;
    }

    private int[] tokenize(String text, boolean addSpecialTokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", client.model());
        body.put("prompt", text);
        body.put("add_special_tokens", addSpecialTokens);
        return ids(client.postRoot("/tokenize", body));
    }

    private String detokenize(int[] ids) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", client.model());
        body.put("tokens", ids);
        return text(client.postRoot("/detokenize", body).path("prompt"), "/detokenize");
    }

    private int[] ids(JsonNode answer) {
        JsonNode tokens = answer.path("tokens");
        if (!tokens.isArray()) {
            throw new RemoteModelException(client.baseUrl() + " /tokenize answered without tokens: " + answer, 200, null);
        }
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }

    private String text(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw new RemoteModelException(client.baseUrl() + path + " answered without text", 200, null);
        }
        return node.asText();
    }

    private static List<Map<String, String>> messages(List<ChatMessage> conversation) {
        return conversation.stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList();
    }
}
