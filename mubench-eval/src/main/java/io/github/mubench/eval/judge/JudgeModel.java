package io.github.mubench.eval.judge;

import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.param.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model in the judge's role, as the model-based judges use it: greedy replies to prompts and conversations, the
 * probability split between two answers, and the judge's tokenizer and chat template. {@link LocalJudgeModel} runs a
 * loaded model; {@link RemoteJudgeModel} asks an OpenAI-compatible endpoint and gives the same verdicts when that
 * endpoint serves the same model ({@code mubench serve}, vLLM).
 */
public interface JudgeModel {
    /** What identifies the judge model in every verdict's key. */
    String fingerprint();

    /** Greedy replies of at most {@code maxNewTokens} to each prompt text; a prompt longer than the context keeps its end. */
    List<String> complete(List<String> prompts, boolean addSpecialTokens, int maxNewTokens);

    /** Greedy replies to each conversation through the judge's chat template (with the generation prompt). */
    List<String> chat(List<List<ChatMessage>> conversations, int maxNewTokens);

    /**
     * For each prompt text, P(first) / (P(first) + P(second)) where P is the probability of the whole answer string
     * after the prompt (tokenized as lm-evaluation-harness does), and whether each answer is the greedy continuation.
     *
     * @param addSpecialTokens whether the prompt text still needs the tokenizer's special tokens (BOS)
     */
    List<Split> split(List<String> prompts, String first, String second, boolean addSpecialTokens);

    /** {@code text} cut to its first {@code maxTokens} tokens of the judge's tokenizer. */
    String clip(String text, int maxTokens);

    /** A conversation rendered with the judge's chat template, with the generation prompt. */
    String renderChat(List<ChatMessage> messages);

    /** What identifies the judge's chat template: its source, or (remote) a rendering of a fixed conversation. */
    String chatTemplateIdentity();

    /**
     * A model judge's identity as verdict keys hold it: its declared settings, the model's fingerprint, and the
     * prompt texts it fills ({@code name, text} pairs).
     */
    default Map<String, Object> settings(Record declared, String... namedTexts) {
        Map<String, Object> m = new LinkedHashMap<>(Parameters.values(declared));
        m.put("judge_model", fingerprint());
        for (int i = 0; i + 1 < namedTexts.length; i += 2) {
            m.put(namedTexts[i], namedTexts[i + 1]);
        }
        return m;
    }

    /**
     * @param first        P(first) / (P(first) + P(second))
     * @param firstGreedy  whether the first answer is the greedy continuation
     * @param secondGreedy whether the second is
     */
    record Split(double first, boolean firstGreedy, boolean secondGreedy) {
        /** The split of two answers' summed log-probabilities, computed without overflow. */
        public static Split of(double firstLogprob, boolean firstGreedy, double secondLogprob, boolean secondGreedy) {
            double m = Math.max(firstLogprob, secondLogprob);
            double pa = Math.exp(firstLogprob - m), pb = Math.exp(secondLogprob - m);
            return new Split(pa / (pa + pb), firstGreedy, secondGreedy);
        }
    }
}
