package io.github.mubench.tensor.chat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON as Python's {@code json.dumps(x, ensure_ascii=False)} writes it (", " and ": " separators, keys in insertion
 * order), which is what transformers' {@code tojson} filter gives chat templates.
 */
final class PythonJson {
    private PythonJson() {
    }

    static String dumps(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                write(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb);
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> list) {
            sb.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                write(it.next(), sb);
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append(']');
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Number n) {
            sb.append(n);
        } else {
            sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(v.toString())).append('"');
        }
    }
}
