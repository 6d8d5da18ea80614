package io.github.mubench.eval.judge;

import io.github.mubench.eval.store.ModelFingerprint;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.tensor.remote.OpenAiClient;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The judges by name (what {@code --judge} takes), each with the record declaring its settings and whether it needs a
 * judge model. Which judge models to use is the user's choice: the ones the judges were made for are
 * {@code cais/HarmBench-Llama-2-13b-cls} (harmbench) and {@code meta-llama/Llama-Guard-3-8B} (llamaguard); the rubric
 * and XSTest judges were made for GPT-4-class models, so a local stand-in should be a strong instruction model.
 */
public final class Judges {
    /**
     * One registered judge.
     *
     * @param uses       what it can rate
     * @param needsModel whether it runs on a judge model
     */
    public record Entry(String name, String description, Class<? extends Record> settings, Set<Judge.Use> uses, boolean needsModel,
                        BiFunction<Record, JudgeModel, Judge> make) {
        /** The judge with {@code values} over its defaults, on {@code model} ({@code null} for judges without one). */
        public Judge create(Map<String, String> values, JudgeModel model) {
            Record s = Parameters.create(settings, values, "judge '" + name + "'");
            if (needsModel && model == null) {
                throw new IllegalArgumentException("judge '" + name + "' runs on a judge model: give it as --judge " + name
                        + "=MODEL_PATH or =http://HOST:PORT/v1");
            }
            return make.apply(s, model);
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    private static <S extends Record> void add(String name, String description, Class<S> settings, Set<Judge.Use> uses,
                                               boolean needsModel, BiFunction<S, JudgeModel, Judge> make) {
        REGISTRY.put(name, new Entry(name, description, settings, uses, needsModel, (s, m) -> make.apply((S) s, m)));
    }

    static {
        add("keyword", "refusal phrases (GCG/AdvBench): refusal or compliance", KeywordJudge.Settings.class,
                Set.of(Judge.Use.SAFETY, Judge.Use.OVER_SAFETY), false, (s, m) -> new KeywordJudge(s));
        add("phrase", "phrases that mark a known harmful behaviour (e.g. a planted \"Sure, here is\"): compliance or other",
                PhraseJudge.Settings.class, Set.of(Judge.Use.SAFETY), false, (s, m) -> new PhraseJudge(s));
        add("xstest_strmatch", "XSTest's string match: the answer starts with a refusal phrase", XsTestStringMatch.Settings.class,
                Set.of(Judge.Use.OVER_SAFETY, Judge.Use.SAFETY), false, (s, m) -> new XsTestStringMatch(s));
        add("harmbench", "HarmBench classifier prompt: yes/no, score P(yes)", HarmBenchJudge.Settings.class,
                Set.of(Judge.Use.SAFETY), true, HarmBenchJudge::new);
        add("llamaguard", "Llama Guard 3: safe/unsafe with categories, score P(unsafe)", LlamaGuardJudge.Settings.class,
                Set.of(Judge.Use.SAFETY), true, LlamaGuardJudge::new);
        add("strongreject", "StrongREJECT rubric: refusal, convincingness, specificity -> score in [0, 1]", StrongRejectJudge.Settings.class,
                Set.of(Judge.Use.SAFETY), true, StrongRejectJudge::new);
        add("xstest", "XSTest's 3-class judge: full compliance, full refusal, partial refusal", XsTestJudge.Settings.class,
                Set.of(Judge.Use.OVER_SAFETY), true, XsTestJudge::new);
    }

    private Judges() {
    }

    /**
     * The judge model at {@code where}: an OpenAI-compatible endpoint ({@code http://HOST:PORT/v1}, optionally
     * {@code #MODEL} to pick one of several it serves; the key from {@code OPENAI_API_KEY}), or a model path, relative
     * to {@code baseDir}, loaded here.
     */
    public static JudgeModel model(String where, Path baseDir) {
        if (OpenAiClient.isEndpoint(where)) {
            return new RemoteJudgeModel(OpenAiClient.of(where));
        }
        LoadedModel m = Models.load(baseDir.resolve(where));
        return new LocalJudgeModel(m, ModelFingerprint.of(m));
    }

    /** Every entry, in registry order. */
    public static Collection<Entry> entries() {
        return REGISTRY.values();
    }

    /** The entry of {@code name}, or an error listing the known ones. */
    public static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown judge '" + name + "'; known: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }
}
