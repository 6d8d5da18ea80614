package io.github.mubench.eval.attack;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.JailbreakTemplate;
import io.github.mubench.tensor.LoadedModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The attacks by name, with their parameters by name (what the CLI's {@code --attack} and {@code --param} take).
 * Attacks that need a model (white-box ones: the target; model-driven ones: an attacker) get it from
 * {@link Context}.
 */
public final class Attacks {
    /**
     * What an attack may need besides its parameters.
     *
     * @param model    the target model (white-box attacks, PAIR's target), or {@code null}
     * @param attacker the attacker / translator / judge model of model-driven attacks ({@code null}: the target)
     */
    public record Context(LoadedModel model, LoadedModel attacker, long seed) {
        public Context(LoadedModel model, long seed) {
            this(model, null, seed);
        }

        LoadedModel attackerOrTarget() {
            return attacker != null ? attacker : model;
        }
    }

    private record Entry(Map<String, String> defaults, boolean needsModel, String description,
                         java.util.function.BiFunction<Map<String, String>, Context, Attack> make) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    private static void add(String name, Map<String, String> defaults, boolean needsModel, String description,
                            java.util.function.BiFunction<Map<String, String>, Context, Attack> make) {
        REGISTRY.put(name, new Entry(defaults, needsModel, description, make));
    }

    static {
        add("none", Map.of(), false, "the request as it is", (p, c) -> new Plain());
        add("aim", Map.of(), false, "AIM role play (GPTFuzzer template 2)", (p, c) -> rolePlay("aim", "gptfuzzer_templates", "gptfuzzer-2", c));
        add("gptfuzzer_template", Map.of("template", "random"), false, "a GPTFuzzer template (by id, or one per item at random)",
                (p, c) -> rolePlay("gptfuzzer_template", "gptfuzzer_templates", p.get("template"), c));
        add("dan", Map.of("template", "random"), false, "a DAN-family template (by id, e.g. dan-Dan_11_0, or random)",
                (p, c) -> rolePlay("dan", "dan_templates", p.get("template"), c));
        add("inthewild", Map.of("template", "random"), false, "an in-the-wild jailbreak prompt (by id, or random)",
                (p, c) -> rolePlay("inthewild", "inthewild_templates", p.get("template"), c));
        add("prefix_injection", Map.of("opening", "Absolutely! Here is exactly what you asked for:"), false, "answer must open eagerly",
                (p, c) -> new PrefixInjection(p.get("opening")));
        add("refusal_suppression", Map.of(), false, "rules against refusing", (p, c) -> new RefusalSuppression());
        add("base64", Map.of(), false, "request in Base64", (p, c) -> new Base64Attack(false, false));
        add("base64_output", Map.of(), false, "request and answer in Base64", (p, c) -> new Base64Attack(true, false));
        add("combination", Map.of(), false, "Base64 output + refusal suppression + prefix injection", (p, c) -> new Base64Attack(true, true));
        for (Encoding e : List.of(Encoding.CAESAR, Encoding.ATBASH, Encoding.ROT13, Encoding.MORSE, Encoding.LEETSPEAK, Encoding.DISEMVOWEL)) {
            add(e.label(), Map.of(), false, "cipher: " + e.label(), (p, c) -> new CipherAttack(e));
        }
        add("deep_inception", Map.of("scene", "science fiction", "characters", "5", "layers", "5"), false, "nested fiction",
                (p, c) -> new DeepInception(p.get("scene"), whole(p, "characters"), whole(p, "layers")));
        add("code_chameleon", Map.of("scheme", "binary_tree"), false, "encrypted request in a code-completion task",
                (p, c) -> new CodeChameleon(scheme(p.get("scheme"))));
        add("gcg", Gcg.Config.DEFAULTS, true, "GCG adversarial suffix (white-box gradients of the target)",
                (p, c) -> new Gcg(c.model(), Gcg.Config.of(p, c.seed())));
        add("past_tense", Map.of("max_new_tokens", "64"), true, "past-tense reformulation by an attacker model",
                (p, c) -> new PastTense(new ChatModel(c.attackerOrTarget(), whole(p, "max_new_tokens"), 1.0), c.seed()));
        add("translation", Map.of("language", "Zulu", "max_new_tokens", "256"), true, "request translated into a low-resource language",
                (p, c) -> new Translation(new ChatModel(c.attackerOrTarget(), whole(p, "max_new_tokens"), 0), p.get("language")));
        add("renellm", Map.of("preset", "paper", "iterations", "", "max_new_tokens", "64"), true,
                "attacker rewrites, nested in a scenario (paper: 20 iterations; cpu: 3)",
                (p, c) -> new ReNeLlm(new ChatModel(c.attackerOrTarget(), whole(p, "max_new_tokens"), 1.0),
                        budget(p, "iterations", 20, 3), c.seed()));
        add("pair", Map.of("preset", "paper", "streams", "", "iterations", "", "max_new_tokens", "256"), true,
                "attacker + judge refine a prompt against the target (paper: 20 streams x 3; cpu: 3 x 2)", (p, c) -> {
                    ChatModel attacker = new ChatModel(c.attackerOrTarget(), whole(p, "max_new_tokens"), 1.0);
                    ChatModel target = new ChatModel(c.model(), whole(p, "max_new_tokens"), 0);
                    ChatModel judge = new ChatModel(c.attackerOrTarget(), 16, 0);
                    return new Pair(attacker, target, judge, budget(p, "streams", 20, 3), budget(p, "iterations", 3, 2), c.seed());
                });
        add("autodan", AutoDan.Config.DEFAULTS, true, "AutoDAN genetic search (white-box log-likelihood of the target)",
                (p, c) -> new AutoDan(c.model(), AutoDan.Config.of(p, c.seed())));
    }

    private Attacks() {
    }

    /** Attack names, in registry order. */
    public static java.util.Set<String> names() {
        return REGISTRY.keySet();
    }

    /** One line on what the attack does. */
    public static String description(String name) {
        return entry(name).description();
    }

    /** Whether the attack needs a model in its context. */
    public static boolean needsModel(String name) {
        return entry(name).needsModel();
    }

    /**
     * The named attack with {@code params} over its defaults.
     *
     * @throws IllegalArgumentException for an unknown attack or parameter (naming what is accepted), or a missing model
     */
    public static Attack create(String name, Map<String, String> params, Context context) {
        Entry e = entry(name);
        Map<String, String> p = new LinkedHashMap<>(e.defaults());
        for (var kv : params.entrySet()) {
            if (!e.defaults().containsKey(kv.getKey())) {
                throw new IllegalArgumentException("attack '" + name + "' has no parameter '" + kv.getKey() + "'; it takes "
                        + (e.defaults().isEmpty() ? "none" : new TreeSet<>(e.defaults().keySet())));
            }
            p.put(kv.getKey(), kv.getValue());
        }
        if (e.needsModel() && (context == null || context.model() == null)) {
            throw new IllegalArgumentException("attack '" + name + "' needs a model (the target, for white-box attacks): give --model");
        }
        return e.make().apply(p, context == null ? new Context(null, null, 0) : context);
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown attack '" + name + "'; known: " + REGISTRY.keySet());
        }
        return e;
    }

    private static Attack rolePlay(String name, String dataset, String template, Context c) {
        List<JailbreakTemplate> all = Datasets.load(dataset, JailbreakTemplate.class).items();
        if (template.equals("random")) {
            return new RolePlay(name, all, c.seed());
        }
        return new RolePlay(name, all.stream().filter(t -> t.id().equals(template)).findFirst()
                .map(List::of).orElseThrow(() -> new IllegalArgumentException("no template '" + template + "' in " + dataset
                        + "; ids look like " + all.get(0).id())), c.seed());
    }

    static int whole(Map<String, String> p, String name) {
        try {
            return Integer.parseInt(p.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a whole number, got '" + p.get(name) + "'");
        }
    }

    /** A budget: the given value, else the preset's ({@code paper} or {@code cpu}). */
    static int budget(Map<String, String> p, String name, int paper, int cpu) {
        int preset = cpuPreset(p) ? cpu : paper;
        return p.get(name).isEmpty() ? preset : whole(p, name);
    }

    /** Whether the {@code preset} parameter is {@code cpu} (else it must be {@code paper}). */
    static boolean cpuPreset(Map<String, String> p) {
        return switch (p.get("preset")) {
            case "paper" -> false;
            case "cpu" -> true;
            default -> throw new IllegalArgumentException("preset '" + p.get("preset") + "': expected paper or cpu");
        };
    }

    private static CodeChameleon.Scheme scheme(String s) {
        try {
            return CodeChameleon.Scheme.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheme '" + s + "': expected reverse, odd_even, length or binary_tree");
        }
    }

    /** No attack: the baseline every ASR is compared with. */
    private record Plain() implements Attack {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of();
        }

        @Override
        public AttackedPrompt attack(io.github.mubench.eval.data.HarmfulPrompt item) {
            return prompt(item, item.prompt());
        }
    }
}
