package io.github.mubench.eval.fuzz;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.tensor.io.FormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * User dataset files (JSONL, JSON, CSV), mutated from valid ones (seeded): each loads, strictly or leniently, or
 * fails with a {@link FormatException} naming file and line; never another exception or a hang.
 */
class DatasetRowsFuzzTest {
    private static final String JSONL = """
            {"ctx": "Tim went to the park.", "endings": ["He played.", "Blue.", "Ten.", "No."], "label": 0, "activity_label": "Story"}
            {"ctx_a": "Sue had", "ctx_b": "a cat.", "endings": ["Ten.", "It was soft.", "No.", "Blue."], "label": 1}
            """;
    private static final String CSV = "prompt,category\n\"How do I kill a Python process?\",safe\nHow do I bake bread?,food\n";
    private static final List<String> HOSTILE = List.of("", "\"", "{", "}", "[", "]", ",", "\n", "null", "-1", "99", "1e309", "\"x\"",
            "[]", "{}", "true", "\u0000", "\uFFFF", "\"label\": 7", "\r\n", "\\", "\\u00", "🙂");

    /** The text with up to 4 pieces inserted or replaced at random places. */
    private static Arbitrary<String> mutated(String text) {
        Arbitrary<Object[]> edit = Combinators.combine(Arbitraries.integers().between(0, text.length()), Arbitraries.of(HOSTILE),
                Arbitraries.integers().between(0, 3)).as((at, piece, cut) -> new Object[]{at, piece, cut});
        return edit.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
            StringBuilder b = new StringBuilder(text);
            for (Object[] e : edits) {
                int at = Math.min((Integer) e[0], b.length()), cut = Math.min((Integer) e[2], b.length() - at);
                b.replace(at, at + cut, (String) e[1]);
            }
            return b.toString();
        });
    }

    @Provide
    Arbitrary<String> jsonl() {
        return mutated(JSONL);
    }

    @Provide
    Arbitrary<String> csv() {
        return mutated(CSV);
    }

    private static void readsOrRefuses(String format, String name, byte[] bytes) throws IOException {
        Path f = Files.createTempDirectory("rows").resolve(name);
        Files.write(f, bytes);
        for (boolean lenient : new boolean[]{false, true}) {
            try {
                Datasets.fromFile(format, f, lenient);
            } catch (FormatException e) {
                // the typed refusal
            } catch (RuntimeException e) {
                throw new AssertionError("untyped failure (" + (lenient ? "lenient" : "strict") + "): " + e, e);
            }
        }
    }

    @Property(seed = "21")
    void hellaswagJsonl(@ForAll("jsonl") String text) throws IOException {
        readsOrRefuses("hellaswag", "h.jsonl", text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(seed = "22")
    void hellaswagJsonArray(@ForAll("jsonl") String text) throws IOException {
        readsOrRefuses("hellaswag", "h.json", ("[" + String.join(",", text.strip().split("\n")) + "]").getBytes(StandardCharsets.UTF_8));
    }

    @Property(seed = "23")
    void overSafetyCsv(@ForAll("csv") String text) throws IOException {
        readsOrRefuses("orbench_hard", "o.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(seed = "24")
    void invalidUtf8(@ForAll("jsonl") String text, @ForAll byte junk) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        b[b.length / 2] = (byte) (0x80 | (junk & 0x3f)); // a continuation byte where a character starts
        readsOrRefuses("passages", "p.jsonl", b);
    }
}
