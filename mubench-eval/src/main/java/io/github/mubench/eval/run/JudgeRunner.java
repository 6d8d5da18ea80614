package io.github.mubench.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.store.Keys;
import io.github.mubench.eval.store.ResultStore;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a judge through the results store: a verdict is keyed by the judge's name and settings (its model's
 * fingerprint included) and the case; cases are cut into batches in order, and a batch with a missing verdict is
 * judged whole and stored in one transaction.
 */
final class JudgeRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultStore store;
    private final int batchSize;
    private int judged;

    JudgeRunner(ResultStore store, int batchSize) {
        this.store = store;
        this.batchSize = batchSize;
    }

    List<Judge.Verdict> run(Judge judge, List<Judge.Case> cases, String stage, Progress progress) {
        List<String> keys = cases.stream().map(c -> Keys.of("judge", judge.name(), judge.settings(), c)).toList();
        Map<String, String> stored = store.get(keys);
        Judge.Verdict[] out = new Judge.Verdict[cases.size()];
        for (int from = 0; from < cases.size(); from += batchSize) {
            int to = Math.min(cases.size(), from + batchSize);
            List<String> batch = keys.subList(from, to);
            if (batch.stream().anyMatch(k -> !stored.containsKey(k))) {
                // the whole batch, so that batches are the same on every run (a resumed run equals an uninterrupted one)
                List<Judge.Verdict> verdicts = judge.judge(cases.subList(from, to));
                judged += verdicts.size();
                Map<String, String> values = new LinkedHashMap<>();
                for (int j = 0; j < verdicts.size(); j++) {
                    values.put(batch.get(j), write(verdicts.get(j)));
                }
                store.put("judge", values);
                System.gc(); // frees a model judge's native buffers (see RequestRunner)
                stored.putAll(store.get(values.keySet())); // what is stored wins
            }
            for (int i = from; i < to; i++) {
                out[i] = read(stored.get(keys.get(i)));
            }
            progress.update(stage, to, cases.size());
        }
        return Arrays.asList(out);
    }

    /** Cases judged so far (the others came from the store). */
    int judged() {
        return judged;
    }

    private static String write(Judge.Verdict v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Judge.Verdict read(String json) {
        try {
            return JSON.readValue(json, Judge.Verdict.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored verdict is not readable: " + e.getMessage(), e);
        }
    }
}
