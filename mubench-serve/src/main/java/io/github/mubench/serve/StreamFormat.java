package io.github.mubench.serve;

import io.github.mubench.tensor.generate.Generation;

import java.util.List;
import java.util.Map;

/** The server-sent events of one endpoint: what opens a choice, carries its text, and ends it. */
interface StreamFormat {
    /** Events sent before any text of {@code row} (may be none). */
    List<Map<String, Object>> open(Row row);

    /** The event carrying {@code text} of {@code row}. */
    Map<String, Object> delta(Row row, String text);

    /** The event that ends {@code row}. */
    Map<String, Object> end(Row row, Generation generation);

    /** The closing event with token counts ({@code stream_options.include_usage}): no choices, the usage. */
    Map<String, Object> usage(Map<String, Object> usage);

    /** An event of no choices carrying {@code usage}, after {@code head}. */
    static Map<String, Object> usageEvent(Map<String, Object> head, Map<String, Object> usage) {
        head.put("choices", List.of());
        head.put("usage", usage);
        return head;
    }
}
