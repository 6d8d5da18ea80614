package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A locally loaded model in a chat role (attacker, judge, translator): renders a conversation with the model's
 * chat template and generates a reply. A conversation longer than the model's context keeps its most recent tokens
 * (as lm-evaluation-harness truncates), and {@link #truncated()} counts how often that happened.
 */
public final class LocalChatModel implements ChatModel {
    private final LoadedModel model;
    private final Generator generator;
    private final int maxNewTokens;
    private final double temperature;
    private int truncated;

    /**
     * @param temperature 0 for greedy replies; above 0, sampled with the seed given per call
     */
    public LocalChatModel(LoadedModel model, int maxNewTokens, double temperature) {
        this.model = model;
        this.generator = Generator.of(model);
        this.maxNewTokens = maxNewTokens;
        this.temperature = temperature;
    }

    @Override
    public String reply(String system, String user, long seed) {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(user));
        int[] ids = model.encodeChat(messages, true);
        int room = model.checkpoint().config().maxPositionEmbeddings() - maxNewTokens;
        if (ids.length > room) {
            ids = Arrays.copyOfRange(ids, ids.length - room, ids.length);
            truncated++;
        }
        GenerationConfig config = temperature > 0 ? GenerationConfig.greedy(maxNewTokens).withTemperature(temperature).withSeed(seed)
                : GenerationConfig.greedy(maxNewTokens);
        return generator.generateIds(List.of(ids), config).get(0).text().strip();
    }

    @Override
    public int truncated() {
        return truncated;
    }
}
