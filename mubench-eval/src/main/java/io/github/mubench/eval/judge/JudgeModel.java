package io.github.mubench.eval.judge;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.tensor.score.LogLikelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local model in the judge's role: greedy replies to rendered judge prompts, and the probability split between two
 * answers. Prompts longer than the model's context keep their last tokens (the answer slot is at the end).
 *
 * @param model       the judge model
 * @param fingerprint its weights' fingerprint (part of every verdict's key)
 */
public record JudgeModel(LoadedModel model, String fingerprint) {
    public JudgeModel {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("a judge model needs its tokenizer; none was loaded with it");
        }
    }

    /**
     * A model judge's identity as verdict keys hold it: its declared settings, this model's fingerprint, and the
     * prompt texts it fills ({@code name, text} pairs).
     */
    public Map<String, Object> settings(Record declared, String... namedTexts) {
        Map<String, Object> m = new LinkedHashMap<>(Parameters.values(declared));
        m.put("judge_model", fingerprint);
        for (int i = 0; i + 1 < namedTexts.length; i += 2) {
            m.put(namedTexts[i], namedTexts[i + 1]);
        }
        return m;
    }

    /** Greedy replies of at most {@code maxNewTokens} to each prompt (token ids), batched. */
    public List<String> reply(List<int[]> prompts, int maxNewTokens) {
        LanguageModel inference = model.inference();
        int room = Math.max(1, model.checkpoint().config().maxPositionEmbeddings() - maxNewTokens);
        List<int[]> fitted = prompts.stream().map(p -> p.length > room ? Arrays.copyOfRange(p, p.length - room, p.length) : p).toList();
        return new Generator(inference, model.tokenizer()).generateIds(fitted, GenerationConfig.greedy(maxNewTokens)).stream()
                .map(g -> g.text()).toList();
    }

    /**
     * For each prompt text, P(first) / (P(first) + P(second)) where P is the probability of the whole answer string
     * after the prompt, and whether {@code first} resp. {@code second} is the greedy continuation.
     *
     * @param addSpecialTokens whether the prompt text still needs the tokenizer's special tokens (BOS)
     */
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
            double m = Math.max(a.logprob(), b.logprob());
            double pa = Math.exp(a.logprob() - m), pb = Math.exp(b.logprob() - m);
            out.add(new Split(pa / (pa + pb), a.isGreedy(), b.isGreedy()));
        }
        return out;
    }

    /**
     * @param first         P(first) / (P(first) + P(second))
     * @param firstGreedy   whether the first answer is the greedy continuation
     * @param secondGreedy  whether the second is
     */
    public record Split(double first, boolean firstGreedy, boolean secondGreedy) {
    }
}
