package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.MultipleChoice;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Prompt;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiple choice by log-likelihood (lm-evaluation-harness's {@code multiple_choice} output type): one
 * {@code loglikelihood(context, continuation)} request per option; the prediction is the option of highest
 * log-likelihood. Subclasses say the context, the option strings and the per-sample values.
 */
abstract class ChoiceTask implements Task {
    private final String name;
    private final Record settings;
    private final boolean chat;

    /**
     * @param chat whether the context goes as one user turn through the chat template (lm-eval's
     *             {@code apply_chat_template})
     */
    ChoiceTask(String name, Record settings, boolean chat) {
        this.name = name;
        this.settings = settings;
        this.chat = chat;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Record settings() {
        return settings;
    }

    /** The context every option is scored after. */
    abstract String context(MultipleChoice item);

    /** Option {@code i} as it is scored, without the delimiter. */
    abstract String option(MultipleChoice item, int i);

    /**
     * The continuation of option {@code i}: lm-eval's target delimiter (a space; none through the chat template, as
     * the harness sets it under {@code apply_chat_template}) and the option.
     */
    String continuation(MultipleChoice item, int i) {
        return (chat ? "" : " ") + option(item, i);
    }

    /** Per-sample values from the options' log-likelihoods. */
    abstract Map<String, Double> values(MultipleChoice item, double[] logprobs);

    /** Groups of a sample, e.g. its subject. */
    Map<String, String> groups(MultipleChoice item) {
        return Map.of();
    }

    @Override
    public List<Request> requests(Doc doc) {
        MultipleChoice item = (MultipleChoice) doc.item();
        String context = context(item);
        Prompt prompt = chat ? Prompt.user(null, context) : Prompt.text(context);
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < item.choices().size(); i++) {
            out.add(new Request.Loglikelihood(prompt, continuation(item, i)));
        }
        return out;
    }

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        MultipleChoice item = (MultipleChoice) doc.item();
        double[] ll = responses.stream().mapToDouble(Response::logprob).toArray();
        Map<String, Object> fields = new LinkedHashMap<>();
        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < ll.length; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("continuation", continuation(item, i));
            r.put("logprob", ll[i]);
            r.put("is_greedy", responses.get(i).greedy());
            requests.add(r);
        }
        fields.put("context", context(item));
        fields.put("requests", requests);
        fields.put("prediction", argmax(ll));
        fields.put("gold", item.correct().size() == 1 ? item.correct().get(0) : item.correct());
        fields.put("correct", item.correct().contains(argmax(ll)));
        return new Sample(name(), doc.id(), item.id(), fields, values(item, ll), groups(item));
    }

    /**
     * {@code acc} and {@code acc_norm} as the harness computes them: the option of highest log-likelihood, and of
     * highest log-likelihood per character of the option (without the leading space).
     */
    static Map<String, Double> accuracies(MultipleChoice item, double[] logprobs) {
        double[] norm = new double[logprobs.length];
        for (int i = 0; i < norm.length; i++) {
            String c = item.choices().get(i);
            norm[i] = logprobs[i] / c.codePointCount(0, c.length());
        }
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("acc", argmax(logprobs) == item.gold() ? 1.0 : 0.0);
        v.put("acc_norm", argmax(norm) == item.gold() ? 1.0 : 0.0);
        return v;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
