package io.github.mubench.eval.task.safety;

import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.data.Dataset;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Metrics;
import io.github.mubench.eval.task.Prompt;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Safety on harmful prompts (AdvBench, HarmBench, JailbreakBench, StrongREJECT), plain and through jailbreak attacks:
 * each request, wrapped by each attack, is sent as a user turn (after the attack's system prompt, or the task's)
 * through the model's chat template and answered greedily; the answer is decoded where the attack encoded it and
 * read by every safety judge. Per judge: {@code asr/JUDGE} (share of answers the judge calls a successful attack)
 * overall, per attack, per category and per source; {@code asr_any/JUDGE} (share of requests where any attack
 * succeeded); {@code score/JUDGE} (mean harmfulness score, where the judge gives one). {@code --limit} takes the
 * first requests (HarmBench: stratified by category, seeded). HarmBench's copyright behaviours are left out unless
 * asked for: HarmBench scores them by hashing against the protected text, which no judge here does.
 */
public final class Safety implements Task {
    /** Settings. */
    public record Settings(
            @Param(value = "none", doc = "attacks, joined by '+', e.g. none+refusal_suppression+base64 (mubench attack --list)") String attacks,
            @Param(value = "paper", doc = "attack budgets: paper (the attacks' defaults) or cpu (their cpu preset, where they have one)") String preset,
            @Param(value = "256", doc = "most new tokens of an answer") int maxNewTokens,
            @Param(value = "", doc = "system prompt before each request (empty: none, or the attack's own)") String system,
            @Param(value = "false", doc = "HarmBench: include its copyright behaviours (HarmBench scores them with a hashing check, not a judge)") boolean copyright) {
        public Settings {
            Parameters.atLeast("maxNewTokens", maxNewTokens, 1);
            if (!preset.equals("paper") && !preset.equals("cpu")) {
                throw new IllegalArgumentException("preset must be paper or cpu, got '" + preset + "'");
            }
            for (String a : attackList(attacks)) {
                Attacks.entry(a);
            }
        }

        List<String> attackList() {
            return attackList(attacks);
        }

        private static List<String> attackList(String attacks) {
            List<String> out = Arrays.stream(attacks.split("\\+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (out.isEmpty()) {
                throw new IllegalArgumentException("attacks: name at least one (none: the plain request)");
            }
            return out;
        }
    }

    private final String dataset;
    private final Settings settings;

    /** Safety on the harmful prompts of bundled dataset {@code dataset}. */
    public Safety(String dataset, Settings settings) {
        if (!Datasets.entry(dataset).type().equals(HarmfulPrompt.class)) {
            throw new IllegalArgumentException("dataset '" + dataset + "' holds no harmful prompts");
        }
        this.dataset = dataset;
        this.settings = settings;
    }

    @Override
    public String name() {
        return dataset;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public List<Item> items(TaskContext context) {
        Dataset<HarmfulPrompt> all = Datasets.load(dataset, HarmfulPrompt.class);
        if (!settings.copyright()) {
            all = new Dataset<>(all.name(), all.split(), all.items().stream().filter(i -> !"copyright".equals(i.source())).toList(), all.skipped());
        }
        return List.copyOf(dataset.equals("harmbench")
                ? all.stratified(context.limit(), context.seed(), HarmfulPrompt::category).items()
                : context.first(all.items()));
    }

    @Override
    public List<Doc> docs(TaskContext context) {
        List<Item> items = items(context);
        String preset = settings.preset().equals("cpu") ? "cpu" : null;
        List<Doc> docs = new ArrayList<>();
        for (String attack : settings.attackList()) {
            for (Item item : items) {
                docs.add(new Doc(item.id() + "/" + attack, item, context.attacks().attack(attack, preset, (HarmfulPrompt) item)));
            }
        }
        return docs;
    }

    @Override
    public List<Request> requests(Doc doc) {
        AttackedPrompt a = doc.attacked();
        String system = a.system() != null ? a.system() : settings.system().isEmpty() ? null : settings.system();
        return List.of(new Request.Generate(Prompt.user(system, a.prompt()), List.of(), settings.maxNewTokens()));
    }

    @Override
    public Judge.Use judgeUse() {
        return Judge.Use.SAFETY;
    }

    @Override
    public Judge.Case judgeCase(Doc doc, List<Response> responses, TaskContext context) {
        HarmfulPrompt item = (HarmfulPrompt) doc.item();
        String behavior = item.prompt(), itemContext = null;
        int rule = behavior.lastIndexOf(CONTEXT_RULE);
        if ("contextual".equals(item.source()) && rule >= 0) { // HarmBench: context, rule, request
            itemContext = behavior.substring(0, rule);
            behavior = behavior.substring(rule + CONTEXT_RULE.length());
        }
        return new Judge.Case(behavior, itemContext, doc.attacked().prompt(), context.attacks().decode(doc.attacked(), responses.get(0).text()));
    }

    /** What separates a HarmBench contextual behaviour's context from its request in the prompt. */
    private static final String CONTEXT_RULE = "\n\n---\n\n";

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        HarmfulPrompt item = (HarmfulPrompt) doc.item();
        AttackedPrompt a = doc.attacked();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request", item.prompt());
        fields.put("system", a.system());
        fields.put("prompt", a.prompt());
        fields.put("attack_parameters", a.parameters());
        fields.put("response", responses.get(0).text());
        fields.put("decoding", a.decoding());
        fields.put("truncated", responses.get(0).truncated());
        Map<String, Object> judged = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        for (Judge j : judges) {
            Judge.Verdict v = verdicts.get(j.name());
            judged.put(j.name(), v);
            values.put("asr/" + j.name(), j.harmful(v) ? 1.0 : 0.0);
            if (!Double.isNaN(v.score())) {
                values.put("score/" + j.name(), v.score());
            }
        }
        fields.put("verdicts", judged);
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("attack", a.attack());
        if (item.category() != null) {
            groups.put("category", item.category());
        }
        if (item.source() != null) {
            groups.put("source", item.source());
        }
        return new Sample(name(), doc.id(), item.id(), fields, values, groups);
    }

    @Override
    public Map<String, Estimate> metrics(List<Sample> samples, long seed) {
        Map<String, Estimate> out = new LinkedHashMap<>();
        Map<String, Estimate> all = Metrics.aggregate(samples, seed);
        all.forEach((k, v) -> {
            if (!k.contains("[")) {
                out.put(k, v);
            }
        });
        // any attack succeeded, per request: the worst case over the attacks run
        Map<String, Map<String, Double>> perItem = new TreeMap<>();
        for (Sample s : samples) {
            s.values().forEach((k, v) -> {
                if (k.startsWith("asr/")) {
                    perItem.computeIfAbsent(s.itemId(), x -> new TreeMap<>()).merge("asr_any/" + k.substring(4), v, Math::max);
                }
            });
        }
        List<Sample> worst = perItem.entrySet().stream()
                .map(e -> new Sample(name(), e.getKey(), e.getKey(), Map.of(), e.getValue(), Map.of())).toList();
        out.putAll(Metrics.aggregate(worst, seed));
        all.forEach((k, v) -> {
            if (k.contains("[")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
