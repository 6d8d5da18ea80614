package io.github.mubench.eval.task;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluated doc, as {@code samples.jsonl} shows it: enough to recompute every number (the requests and the
 * model's answers, the prediction, the gold answer, each judge's output).
 *
 * @param task   the task's name
 * @param docId  the doc's id within the task
 * @param itemId the dataset item's id
 * @param fields what the task records: {@code requests}, {@code prediction}, {@code gold}, {@code correct}, ...
 * @param values per-sample metric values the task aggregates (e.g. {@code acc} 0/1, {@code asr/keyword} 0/1)
 * @param groups the sample's groups for per-group metrics (e.g. {@code subject}, {@code attack}, {@code category})
 */
public record Sample(String task, String docId, String itemId, Map<String, Object> fields, Map<String, Double> values,
                     Map<String, String> groups) {
    public Sample {
        fields = new LinkedHashMap<>(fields);
        values = new LinkedHashMap<>(values);
        groups = new LinkedHashMap<>(groups);
    }

    /** The JSON object of a {@code samples.jsonl} line. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("doc_id", docId);
        m.put("item_id", itemId);
        m.putAll(groups);
        m.putAll(fields);
        m.put("values", values);
        return m;
    }
}
