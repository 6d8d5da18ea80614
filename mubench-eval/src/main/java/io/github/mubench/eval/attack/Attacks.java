package io.github.mubench.eval.attack;

import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.JailbreakTemplate;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.ChatModel;
import io.github.mubench.tensor.generate.LocalChatModel;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.remote.RemoteChatModel;
import io.github.mubench.tensor.param.Parameters;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The attacks by name (what the CLI's {@code --attack} takes). Each entry names the record that declares its
 * parameters ({@link io.github.mubench.tensor.param.Param}: name, type, default, doc), its presets (named sets of
 * values, e.g. {@code cpu} budgets for white-box and model-driven attacks; the defaults are the papers'), and how the
 * attack is made from them. Attacks that need a model get it from {@link Context}.
 */
public final class Attacks {
    /** The parameter key that picks a preset (applied before the other values). */
    public static final String PRESET = "preset";

    /**
     * What an attack may need besides its parameters.
     *
     * @param model            the target model (white-box attacks, PAIR's target), or {@code null}
     * @param attacker         the attacker / translator / judge model of model-driven attacks ({@code null}: the target)
     * @param attackerEndpoint an OpenAI-compatible endpoint in those roles instead ({@code null}: a local model)
     * @param seed             seeds the attack's random choices
     */
    public record Context(LoadedModel model, LoadedModel attacker, OpenAiClient attackerEndpoint, long seed) {
        /** Local models only. */
        public Context(LoadedModel model, LoadedModel attacker, long seed) {
            this(model, attacker, null, seed);
        }

        /** No models: enough for the template and encoding attacks. */
        public static Context none(long seed) {
            return new Context(null, null, seed);
        }

        /** The target model, also used as attacker. */
        public static Context of(LoadedModel model, long seed) {
            return new Context(model, null, seed);
        }

        /** The attacker in a chat role: the endpoint if one is given, else the attacker model, else the target. */
        ChatModel attackerChat(int maxNewTokens, double temperature) {
            if (attackerEndpoint != null) {
                return new RemoteChatModel(attackerEndpoint, maxNewTokens, temperature);
            }
            LoadedModel m = attacker != null ? attacker : model;
            if (m == null) {
                throw new IllegalArgumentException("a model-driven attack needs an attacker: a model or an endpoint");
            }
            return new LocalChatModel(m, maxNewTokens, temperature);
        }
    }

    /** A record without parameters, for attacks that have none. */
    public record NoParameters() {
    }

    /**
     * One registered attack.
     *
     * @param name        as {@code --attack} spells it
     * @param description one line on what it does
     * @param parameters  the record declaring its parameters
     * @param presets     named value sets over the defaults
     * @param needsModel  whether {@link Context#model()} must be given
     */
    public record Entry(String name, String description, Class<? extends Record> parameters,
                        Map<String, Map<String, String>> presets, boolean needsModel,
                        BiFunction<Record, Context, Attack> make) {
        /**
         * The attack with {@code values} (by name, as text; {@code preset} picks a preset first) over the defaults.
         *
         * @throws IllegalArgumentException for an unknown parameter or preset, a bad value, or a missing model
         */
        public Attack create(Map<String, String> values, Context context) {
            Record settings = settings(values);
            if (needsModel && (context == null || context.model() == null)) {
                throw new IllegalArgumentException("attack '" + name + "' needs a model (the target, for white-box attacks)");
            }
            return make.apply(settings, context == null ? Context.none(0) : context);
        }

        /** The parameter record for {@code values} (see {@link #create}). */
        public Record settings(Map<String, String> values) {
            Map<String, String> all = new LinkedHashMap<>();
            String preset = values.get(PRESET);
            if (preset != null) {
                Map<String, String> p = presets.get(preset);
                if (p == null) {
                    throw new IllegalArgumentException("attack '" + name + "' has no preset '" + preset + "'"
                            + (presets.isEmpty() ? "" : "; presets: " + String.join(", ", presets.keySet())));
                }
                all.putAll(p);
            }
            values.forEach((k, v) -> {
                if (!k.equals(PRESET)) {
                    all.put(k, v);
                }
            });
            return Parameters.create(parameters, all, "attack '" + name + "'");
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    private static <P extends Record> void add(String name, String description, Class<P> parameters, boolean needsModel,
                                               Map<String, Map<String, String>> presets, BiFunction<P, Context, Attack> make) {
        REGISTRY.put(name, new Entry(name, description, parameters, presets, needsModel,
                (p, c) -> make.apply((P) p, c)));
    }

    private static void add(String name, String description, java.util.function.Supplier<Attack> make) {
        add(name, description, NoParameters.class, false, Map.of(), (p, c) -> make.get());
    }

    static {
        add("none", "the request as it is", Plain::new);
        add("aim", "AIM role play (GPTFuzzer template 2)", NoParameters.class, false, Map.of(),
                (p, c) -> rolePlay("aim", "gptfuzzer_templates", "gptfuzzer-2", c));
        add("gptfuzzer_template", "a GPTFuzzer template (by id, or one per item at random)", RolePlay.Choice.class, false, Map.of(),
                (p, c) -> rolePlay("gptfuzzer_template", "gptfuzzer_templates", p.template(), c));
        add("dan", "a DAN-family template (by id, e.g. dan-Dan_11_0, or random)", RolePlay.Choice.class, false, Map.of(),
                (p, c) -> rolePlay("dan", "dan_templates", p.template(), c));
        add("inthewild", "an in-the-wild jailbreak prompt (by id, or random)", RolePlay.Choice.class, false, Map.of(),
                (p, c) -> rolePlay("inthewild", "inthewild_templates", p.template(), c));
        add("prefix_injection", "the answer must open eagerly", PrefixInjection.class, false, Map.of(), (p, c) -> p);
        add("refusal_suppression", "rules against refusing", RefusalSuppression::new);
        add("base64", "request in Base64", () -> new Base64Attack(false, false));
        add("base64_output", "request and answer in Base64", () -> new Base64Attack(true, false));
        add("combination", "Base64 output + refusal suppression + prefix injection", () -> new Base64Attack(true, true));
        for (Encoding e : List.of(Encoding.CAESAR, Encoding.ATBASH, Encoding.ROT13, Encoding.MORSE, Encoding.LEETSPEAK, Encoding.DISEMVOWEL)) {
            add(e.label(), "cipher: " + e.label() + " (answers decoded before judging)", () -> new CipherAttack(e));
        }
        add("deep_inception", "nested fiction", DeepInception.class, false, Map.of(), (p, c) -> p);
        add("code_chameleon", "encrypted request in a code-completion task", CodeChameleon.class, false, Map.of(), (p, c) -> p);
        add("gcg", "GCG adversarial suffix (white-box gradients of the target)", Gcg.Config.class, true,
                Map.of("cpu", Map.of("steps", "20", "suffix_length", "10", "top_k", "32", "candidates", "32")),
                (p, c) -> new Gcg(c.model(), p, c.seed()));
        add("past_tense", "past-tense reformulation by an attacker model", PastTense.Settings.class, true, Map.of(),
                (p, c) -> new PastTense(c.attackerChat(p.maxNewTokens(), 1.0), p, c.seed()));
        add("translation", "request translated into a low-resource language (answers translated back)", Translation.Settings.class,
                true, Map.of(), (p, c) -> new Translation(c.attackerChat(p.maxNewTokens(), 0), p));
        add("renellm", "attacker rewrites, nested in a scenario", ReNeLlm.Settings.class, true,
                Map.of("cpu", Map.of("iterations", "3")),
                (p, c) -> new ReNeLlm(c.attackerChat(p.maxNewTokens(), 1.0), p, c.seed()));
        add("pair", "attacker + judge refine a prompt against the target", Pair.Settings.class, true,
                Map.of("cpu", Map.of("streams", "3", "iterations", "2")), (p, c) -> {
                    ChatModel attacker = c.attackerChat(p.maxNewTokens(), 1.0);
                    ChatModel target = new LocalChatModel(c.model(), p.maxNewTokens(), 0);
                    ChatModel judge = c.attackerChat(16, 0);
                    return new Pair(attacker, target, judge, p, c.seed());
                });
        add("autodan", "AutoDAN genetic search (white-box log-likelihood of the target)", AutoDan.Config.class, true,
                Map.of("cpu", Map.of("generations", "5", "population", "8", "elites", "0.25")),
                (p, c) -> new AutoDan(c.model(), p, c.seed()));
    }

    private Attacks() {
    }

    /**
     * Adds a user's attack to the registry, so that task specs and {@code --attack} can name it (e.g.
     * {@code advbench:attacks=none+MY_ATTACK}).
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public static synchronized void register(Entry entry) {
        if (REGISTRY.containsKey(entry.name())) {
            throw new IllegalArgumentException("an attack named '" + entry.name() + "' is registered already");
        }
        REGISTRY.put(entry.name(), entry);
    }

    /** Attack names, in registry order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /** Every entry, in registry order. */
    public static Collection<Entry> entries() {
        return REGISTRY.values();
    }

    /**
     * The entry of {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown attack '" + name + "'; known: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }

    /** The named attack with {@code params} over its defaults (see {@link Entry#create}). */
    public static Attack create(String name, Map<String, String> params, Context context) {
        return entry(name).create(params, context);
    }

    /** A parameter record's values with the seed: what an attack that draws at random records. */
    static Map<String, Object> withSeed(Record settings, long seed) {
        Map<String, Object> m = new LinkedHashMap<>(Parameters.values(settings));
        m.put("seed", seed);
        return m;
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
        public AttackedPrompt attack(HarmfulPrompt item) {
            return prompt(item, item.prompt());
        }
    }
}
