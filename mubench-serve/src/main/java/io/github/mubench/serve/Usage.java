package io.github.mubench.serve;

import io.github.mubench.tensor.generate.Generation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OpenAI's {@code usage}: prompt tokens (each prompt once), generated tokens, and their sum. */
final class Usage {
    private Usage() {
    }

    static Map<String, Object> of(List<Row> rows, List<Generation> generations) {
        // the n choices of one prompt share its array: distinct() compares arrays by identity
        long prompt = rows.stream().map(Row::prompt).distinct().mapToLong(p -> p.length).sum();
        long completion = generations.stream().mapToLong(g -> g.tokens().length).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", prompt);
        m.put("completion_tokens", completion);
        m.put("total_tokens", prompt + completion);
        return m;
    }

    static String finishReason(Generation g) {
        return g.finish() == Generation.Finish.LENGTH ? "length" : "stop";
    }
}
