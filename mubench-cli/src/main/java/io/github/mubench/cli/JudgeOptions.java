package io.github.mubench.cli;

import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.judge.JudgeModel;
import io.github.mubench.eval.judge.Judges;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --judge NAME[=MODEL_PATH|URL]} and {@code --judge-param NAME:K=V}, shared by {@code eval} and {@code judge}. */
final class JudgeOptions {
    @Option(names = "--judge", paramLabel = "NAME[=MODEL]",
            description = "a judge (repeatable): keyword, xstest_strmatch; harmbench, llamaguard, strongreject, xstest on a judge model:"
                    + " a path, or an OpenAI-compatible endpoint http://HOST:PORT/v1[#MODEL] (key: OPENAI_API_KEY)")
    List<String> judges = List.of();

    @Option(names = "--judge-param", paramLabel = "NAME:K=V", description = "a judge setting (repeatable), e.g. keyword:list=short")
    List<String> params = List.of();

    /** The judges named, each on its model (loaded once per path). */
    List<Judge> create() {
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        for (String p : params) {
            int colon = p.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--judge-param '" + p + "': expected NAME:KEY=VALUE");
            }
            settings.computeIfAbsent(p.substring(0, colon), k -> new LinkedHashMap<>())
                    .putAll(Params.parse(List.of(p.substring(colon + 1))));
        }
        Map<String, JudgeModel> models = new LinkedHashMap<>();
        List<Judge> out = new ArrayList<>();
        for (String spec : judges) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? spec : spec.substring(0, eq);
            JudgeModel model = eq < 0 ? null : models.computeIfAbsent(spec.substring(eq + 1), where -> Judges.model(where, Path.of("")));
            out.add(Judges.entry(name).create(settings.getOrDefault(name, Map.of()), model));
        }
        for (String named : settings.keySet()) {
            if (out.stream().noneMatch(j -> j.name().equals(named))) {
                throw new IllegalArgumentException("--judge-param for '" + named + "', which is not among the --judge options");
            }
        }
        return out;
    }
}
