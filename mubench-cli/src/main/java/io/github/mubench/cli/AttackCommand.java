package io.github.mubench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.attack.Attack;
import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
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
 * JSONL, one line per item as it is done; a second run with the same output skips the items already written.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Write a dataset's harmful requests wrapped in a jailbreak attack, as JSONL (resumes an unfinished file).")
final class AttackCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOptions model;

    @Option(names = "--attack", description = "attack name (--list shows them)")
    String attack;

    @Option(names = "--list", description = "list the attacks and exit")
    boolean list;

    @Option(names = "--param", paramLabel = "K=V", description = "attack parameter (repeatable), e.g. preset=cpu")
    List<String> params = List.of();

    @Option(names = "--dataset", description = "a dataset of harmful requests: advbench, harmbench, jailbreakbench, strongreject, gptfuzzer_questions")
    String dataset;

    @Option(names = "--split", description = "default: the dataset's first split")
    String split;

    @Option(names = "--limit", description = "at most N items, drawn with --seed (default: all)")
    int limit = Integer.MAX_VALUE;

    @Option(names = "--seed", description = "seeds the subsample and the attack (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--attacker", paramLabel = "PATH",
            description = "attacker/judge/translator model of model-driven attacks (HF folder or .gguf); default: --model")
    Path attacker;

    @Option(names = "--out", paramLabel = "FILE.jsonl")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (list) {
            for (String name : Attacks.names()) {
                System.out.printf("%-20s %s%s%n", name, Attacks.description(name), Attacks.needsModel(name) ? " [needs --model]" : "");
            }
            return 0;
        }
        if (attack == null || dataset == null || out == null) {
            throw new IllegalArgumentException("give --attack, --dataset and --out (or --list)");
        }
        Map<String, String> p = Params.parse(params);
        var entry = Datasets.entry(dataset);
        if (!entry.type().equals(HarmfulPrompt.class)) {
            throw new IllegalArgumentException("dataset '" + dataset + "' holds " + entry.type().getSimpleName()
                    + " items; attacks wrap harmful requests (advbench, harmbench, jailbreakbench, strongreject, gptfuzzer_questions)");
        }
        Dataset<HarmfulPrompt> items = Datasets.load(dataset, split == null ? entry.defaultSplit() : split, HarmfulPrompt.class)
                .limit(limit, seed);
        boolean needs = Attacks.needsModel(attack);
        Attack a = Attacks.create(attack, p, new Attacks.Context(needs ? model.load() : null,
                needs && attacker != null ? io.github.mubench.tensor.Models.load(attacker, null) : null, seed));
        Set<String> done = alreadyWritten();
        int written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (HarmfulPrompt item : items.items()) {
                if (done.contains(item.id())) {
                    continue;
                }
                long start = System.nanoTime();
                AttackedPrompt ap = a.attack(item);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("item_id", ap.itemId());
                row.put("dataset", dataset);
                row.put("attack", ap.attack());
                row.put("parameters", ap.parameters());
                row.put("system", ap.system());
                row.put("prompt", ap.prompt());
                row.put("decoding", ap.decoding());
                row.put("request", item.prompt());
                row.put("seconds", (System.nanoTime() - start) / 1e9);
                w.write(JSON.writeValueAsString(row));
                w.newLine();
                w.flush();
                written++;
            }
        }
        System.err.printf("%s on %s: %d attacked prompts written, %d already there; %s%n", attack, dataset, written, done.size(), out);
        return 0;
    }

    /** Item ids of the lines already in the output (a resumed run skips them). */
    private Set<String> alreadyWritten() throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.exists(out)) {
            return ids;
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                ids.add(JSON.readTree(lines.get(i)).path("item_id").asText());
            } catch (IOException e) {
                // a line cut by a crash: only the last one can be; refuse anything else
                if (i != lines.size() - 1) {
                    throw new IllegalArgumentException(out + " line " + (i + 1) + " is not JSON; not an attack output to resume");
                }
                Files.write(out, (String.join("\n", lines.subList(0, i)) + (i > 0 ? "\n" : "")).getBytes(StandardCharsets.UTF_8));
            }
        }
        return ids;
    }
}
