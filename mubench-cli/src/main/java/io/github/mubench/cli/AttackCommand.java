package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.attack.Attack;
import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.param.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code mubench attack}: wrap a dataset's harmful requests in a jailbreak attack and write the attacked prompts as
 * JSONL, one line per item as it is done. A second run into the same file skips the items already written, but only
 * when the file was written by the same attack, settings, dataset and models; a file of another run is refused.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Write a dataset's harmful requests wrapped in a jailbreak attack, as JSONL (resumes an unfinished file).")
final class AttackCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // one object per line: a second one is an error, not dropped

    @Mixin
    ModelOptions model;

    @Option(names = "--attack", description = "attack name (--list shows them with their parameters)")
    String attack;

    @Option(names = "--list", description = "list the attacks with their parameters and presets, and exit")
    boolean list;

    @Option(names = "--param", paramLabel = "K=V", description = "attack parameter (repeatable), e.g. preset=cpu or steps=50")
    List<String> params = List.of();

    @Option(names = "--dataset", description = "a dataset of harmful requests: advbench, harmbench, jailbreakbench, strongreject, gptfuzzer_questions")
    String dataset;

    @Option(names = "--split", description = "default: the dataset's first split")
    String split;

    @Option(names = "--limit", description = "at most N items, drawn with --seed (default: all)")
    int limit = Integer.MAX_VALUE;

    @Option(names = "--seed", description = "seeds the subsample and the attack (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--attacker", paramLabel = "PATH|URL",
            description = "attacker/judge/translator model of model-driven attacks: HF folder or .gguf, or an OpenAI-compatible endpoint"
                    + " http://HOST:PORT/v1[#MODEL] (key: OPENAI_API_KEY); default: --model")
    String attacker;

    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "output file, or - for stdout (no resume)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (list) {
            for (Attacks.Entry e : Attacks.entries()) {
                System.out.printf("%-20s %s%s%s%n%s", e.name(), e.description(),
                        e.needsModel() ? " [a model: --model, default the bundled one]" : "",
                        e.presets().isEmpty() ? "" : " [presets: " + String.join(", ", e.presets().keySet()) + "]",
                        Params.listing(Parameters.of(e.parameters())));
            }
            return 0;
        }
        if (attack == null || dataset == null || out == null) {
            throw new IllegalArgumentException("give --attack, --dataset and --out (or --list)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        Map<String, String> p = Params.parse(params);
        Attacks.Entry entry = Attacks.entry(attack);
        var data = Datasets.entry(dataset);
        if (!data.type().equals(HarmfulPrompt.class)) {
            throw new IllegalArgumentException("dataset '" + dataset + "' holds " + data.type().getSimpleName()
                    + " items; attacks wrap harmful requests (advbench, harmbench, jailbreakbench, strongreject, gptfuzzer_questions)");
        }
        String splitName = split == null ? data.defaultSplit() : split;
        Map<String, Object> run = runKey(entry, p, splitName);
        boolean stdout = out.toString().equals("-");
        Set<String> done = stdout ? Set.of() : alreadyWritten(run);
        Dataset<HarmfulPrompt> items = Datasets.load(dataset, splitName, HarmfulPrompt.class).limit(limit, seed);
        entry.settings(p); // bad parameters fail before a model is loaded
        boolean remote = attacker != null && OpenAiClient.isEndpoint(attacker);
        Attack a = entry.create(p, new Attacks.Context(entry.needsModel() ? model.load() : null,
                entry.needsModel() && attacker != null && !remote ? Models.load(Path.of(attacker)) : null,
                entry.needsModel() && remote ? OpenAiClient.of(attacker) : null, seed));
        int written = 0, todo = (int) items.items().stream().filter(i -> !done.contains(i.id())).count();
        try (BufferedWriter w = stdout ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : ResumableJsonl.appender(out)) {
            for (HarmfulPrompt item : items.items()) {
                if (done.contains(item.id())) {
                    continue;
                }
                long start = System.nanoTime();
                AttackedPrompt ap = a.attack(item);
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> row = new LinkedHashMap<>(run);
                row.put("item_id", ap.itemId());
                row.put("parameters", ap.parameters());
                row.put("system", ap.system());
                row.put("prompt", ap.prompt());
                row.put("decoding", ap.decoding());
                row.put("request", item.prompt());
                row.put("seconds", seconds);
                w.write(JSON.writeValueAsString(row));
                w.newLine();
                w.flush();
                written++;
                if (entry.needsModel()) { // the slow ones: say how far along the run is
                    System.err.printf("%s: %d/%d  %s  %.1f s%n", attack, written, todo, item.id(), seconds);
                }
            }
        }
        System.err.printf("%s on %s: %d attacked prompts written, %d already there; %s%n", attack, dataset, written, done.size(),
                stdout ? "stdout" : out);
        return 0;
    }

    /** What decides the attacked prompts of a run (besides the item): a resumed file must have been written with it. */
    private Map<String, Object> runKey(Attacks.Entry entry, Map<String, String> p, String splitName) {
        Map<String, Object> settings = new LinkedHashMap<>(Parameters.values(entry.settings(p)));
        settings.put("seed", seed);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("attack", attack);
        run.put("settings", settings);
        run.put("dataset", dataset);
        run.put("split", splitName);
        run.put("model", entry.needsModel() ? (model.model == null ? "bundled:stories260K" : model.model.toAbsolutePath().toString()) : null);
        run.put("attacker", !entry.needsModel() || attacker == null ? null
                : OpenAiClient.isEndpoint(attacker) ? attacker : Path.of(attacker).toAbsolutePath().toString());
        return run;
    }

    /** Item ids of the lines already in the output, which must all come from a run with the same key. */
    private Set<String> alreadyWritten(Map<String, Object> run) throws IOException {
        Set<String> ids = new HashSet<>();
        JsonNode key = JSON.readTree(JSON.writeValueAsBytes(run));
        List<JsonNode> lines = ResumableJsonl.completeRows(out, "an attack output");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = lines.get(i);
            for (var it = key.fields(); it.hasNext(); ) {
                var f = it.next();
                if (!f.getValue().equals(row.get(f.getKey()))) {
                    throw new IllegalArgumentException(out + " line " + (i + 1) + " was written by another run (" + f.getKey()
                            + ": " + row.get(f.getKey()) + " there, " + f.getValue() + " now); write to a new file");
                }
            }
            ids.add(row.path("item_id").asText());
        }
        return ids;
    }
}
