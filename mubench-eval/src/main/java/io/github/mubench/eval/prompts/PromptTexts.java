package io.github.mubench.eval.prompts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The official prompt texts the tasks and judges use, bundled as resources under
 * {@code io/github/mubench/eval/prompts/} (their sources are in the PROVENANCE.md beside them), read exactly as
 * written.
 */
public final class PromptTexts {
    private PromptTexts() {
    }

    /** The text of bundled prompt {@code name} (e.g. {@code truthfulqa_primer.txt}). */
    public static String read(String name) {
        try (InputStream in = PromptTexts.class.getResourceAsStream("/io/github/mubench/eval/prompts/" + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled prompt " + name + " is missing from the mubench-eval jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fills {@code {name}} placeholders in one pass, as Python's {@code str.format} does for these templates: text put
     * in is never scanned again, so an answer that contains "{behavior}" stays as it is.
     */
    public static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (close < 0) {
                out.append(template, i, template.length());
                break;
            }
            String name = template.substring(open + 1, close);
            out.append(template, i, open);
            if (values.containsKey(name)) {
                out.append(values.get(name));
            } else {
                out.append(template, open, close + 1);
            }
            i = close + 1;
        }
        return out.toString();
    }
}
