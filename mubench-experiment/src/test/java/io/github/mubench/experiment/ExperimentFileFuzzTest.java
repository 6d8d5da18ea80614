package io.github.mubench.experiment;

import io.github.mubench.tensor.io.FormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Experiment files, mutated from a valid one (seeded): reading one either gives a spec or a {@link FormatException}
 * naming file and place; turning the spec into an experiment (which checks datasets, methods, parameters, tasks and
 * judges, without loading any model) either succeeds or refuses with a user error ({@link IllegalArgumentException}
 * or {@link FormatException}); never another exception.
 */
class ExperimentFileFuzzTest {
    private static final String YAML = """
            name: fuzz
            models:
              - {name: tiny, path: stories260K}
            data:
              forget: {dataset: advbench, limit: 10}
              retain: {dataset: gsm8k, split: train, limit: 10}
              refusal_text: No.
            methods:
              - {method: npo, label: NPO, params: {beta: [0.05, 0.1]}, training: {lr: 1e-5}}
              - {method: ga}
            training: {steps: 5, forget_batch: 2}
            evaluation:
              tasks: ["advbench:attacks=none+base64,max_new_tokens=8", xstest]
              judges: [keyword, {name: phrase, settings: {phrases: "Sure, here"}}]
              limit: 5
              batch_size: 4
            seeds: [0, 1]
            """;
    private static final List<String> HOSTILE = List.of("", ":", "- ", "{", "}", "[", "]", ",", "\n", "null", "-1", "0", "1e309", "\"x\"",
            "[]", "{}", "true", "  ", "\t", "&a", "*a", "!!binary", "nosuch", "'", "#", "beta: [", "limit: -5", "steps: 0", "lr: NaN");

    @Provide
    Arbitrary<String> files() {
        Arbitrary<Object[]> edit = Combinators.combine(Arbitraries.integers().between(0, YAML.length()), Arbitraries.of(HOSTILE),
                Arbitraries.integers().between(0, 4)).as((at, piece, cut) -> new Object[]{at, piece, cut});
        return edit.list().ofMinSize(1).ofMaxSize(3).map(edits -> {
            StringBuilder b = new StringBuilder(YAML);
            for (Object[] e : edits) {
                int at = Math.min((Integer) e[0], b.length()), cut = Math.min((Integer) e[2], b.length() - at);
                b.replace(at, at + cut, (String) e[1]);
            }
            return b.toString();
        });
    }

    @Property(seed = "31")
    void readsOrRefuses(@ForAll("files") String text) throws IOException {
        Path f = Files.createTempDirectory("xp").resolve("x.yaml");
        Files.writeString(f, text);
        ExperimentSpec spec;
        try {
            spec = ExperimentSpec.read(f);
        } catch (FormatException e) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("untyped failure reading: " + e, e);
        }
        try {
            SpecExperiments.of(spec, f.getParent(), "x").settings().forEach(s -> {
            });
        } catch (FormatException | IllegalArgumentException e) {
            // a user error, named
        } catch (RuntimeException e) {
            throw new AssertionError("untyped failure building: " + e, e);
        }
    }
}
