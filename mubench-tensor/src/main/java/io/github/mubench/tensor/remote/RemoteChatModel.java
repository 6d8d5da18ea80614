package io.github.mubench.tensor.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.generate.ChatModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model behind an OpenAI-compatible endpoint in a chat role: {@code POST /chat/completions} with the seed, the
 * temperature and a reply length. When the endpoint reports its context ({@code max_model_len}), a conversation is
 * cut to its last {@code context - maxNewTokens} tokens with vLLM's {@code truncate_prompt_tokens}, as
 * {@link io.github.mubench.tensor.generate.LocalChatModel} cuts it, so that {@code mubench serve} gives the same
 * replies as the local model.
 */
public final class RemoteChatModel implements ChatModel {
    private final OpenAiClient client;
    private final int maxNewTokens;
    private final double temperature;
    private final AtomicInteger truncated = new AtomicInteger();

    /**
     * @param maxNewTokens longest reply
     * @param temperature  0 for greedy replies; above 0, sampled with the seed given per call
     */
    public RemoteChatModel(OpenAiClient client, int maxNewTokens, double temperature) {
        this.client = client;
        this.maxNewTokens = maxNewTokens;
        this.temperature = temperature;
    }

    @Override
    public String reply(String system, String user, long seed) {
        List<Map<String, String>> messages = new ArrayList<>();
        if (system != null) {
            messages.add(Map.of("role", "system", "content", system));
        }
        messages.add(Map.of("role", "user", "content", user));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", client.model());
        body.put("messages", messages);
        body.put("max_tokens", maxNewTokens);
        body.put("temperature", temperature);
        body.put("seed", seed);
        int room = client.promptRoom(maxNewTokens);
        if (room > 0) {
            body.put("truncate_prompt_tokens", room);
        }
        JsonNode r = client.post("/chat/completions", body);
        if (room > 0 && r.path("usage").path("prompt_tokens").asInt(-1) == room) {
            truncated.incrementAndGet(); // at the limit: cut (or exactly as long, which the count then overstates)
        }
        JsonNode content = r.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new RemoteModelException(client.baseUrl() + "/chat/completions answered without a message: " + r, 200, null);
        }
        return content.asText().strip();
    }

    @Override
    public int truncated() {
        return truncated.get();
    }
}
