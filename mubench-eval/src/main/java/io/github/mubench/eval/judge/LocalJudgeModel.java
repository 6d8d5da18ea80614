package io.github.mubench.eval.judge;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.score.LogLikelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A local model in the judge's role: greedy replies to rendered judge prompts, and the probability split between two
 * answers. Prompts longer than the model's context keep their last tokens (the answer slot is at the end).
 *
 * @param model       the judge model
 * @param fingerprint its weights' fingerprint (part of every verdict's key)
 */
public record LocalJudgeModel(LoadedModel model, String fingerprint) implements JudgeModel {
    public LocalJudgeModel {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("a judge model needs its tokenizer; none was loaded with it");
        }
    }

    @Override
    public List<String> complete(List<String> prompts, boolean addSpecialTokens, int maxNewTokens) {
        return reply(prompts.stream().map(p -> model.tokenizer().encode(p, addSpecialTokens)).toList(), maxNewTokens);
    }

    @Override
    public List<String> chat(List<List<ChatMessage>> conversations, int maxNewTokens) {
        return reply(conversations.stream().map(c -> model.encodeChat(c, true)).toList(), maxNewTokens);
    }

    @Override
    public String clip(String text, int maxTokens) {
        int[] ids = model.tokenizer().encode(text, false);
        return ids.length <= maxTokens ? text : model.tokenizer().decode(Arrays.copyOf(ids, maxTokens), true);
    }

    @Override
    public String renderChat(List<ChatMessage> messages) {
        return model.chatTemplate().render(messages, true);
    }

    @Override
    public String chatTemplateIdentity() {
        return model.chatTemplate().source();
    }

    /** Greedy replies of at most {@code maxNewTokens} to each prompt (token ids), batched. */
    private List<String> reply(List<int[]> prompts, int maxNewTokens) {
        LanguageModel inference = model.inference();
        int room = Math.max(1, model.checkpoint().config().maxPositionEmbeddings() - maxNewTokens);
        List<int[]> fitted = prompts.stream().map(p -> p.length > room ? Arrays.copyOfRange(p, p.length - room, p.length) : p).toList();
        return new Generator(inference, model.tokenizer()).generateIds(fitted, GenerationConfig.greedy(maxNewTokens)).stream()
                .map(g -> g.text()).toList();
    }

    @Override
    public List<Split> split(List<String> prompts, String first, String second, boolean addSpecialTokens) {
        List<LogLikelihood.Request> requests = new ArrayList<>();
        for (String p : prompts) {
            for (String answer : List.of(first, second)) {
                // a prompt longer than the context keeps its end (LogLikelihood cuts the input from the left)
                requests.add(LogLikelihood.Request.encode(model.tokenizer(), p, answer, addSpecialTokens));
            }
        }
        var results = new LogLikelihood(model.inference(), Math.max(1, Math.min(16, requests.size()))).score(requests);
        List<Split> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            var a = results.get(2 * i);
            var b = results.get(2 * i + 1);
            out.add(Split.of(a.logprob(), a.isGreedy(), b.logprob(), b.isGreedy()));
        }
        return out;
    }
}
