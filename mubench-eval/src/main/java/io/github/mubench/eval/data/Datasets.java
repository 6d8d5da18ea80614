package io.github.mubench.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled datasets by name, each with its record type and default split. Nothing is read from outside the
 * jar: the files (with their provenance and licences) are under {@code mubench/data/} on the classpath.
 * <pre>{@code
 * Dataset<HarmfulPrompt> adv = Datasets.load("advbench", HarmfulPrompt.class);
 * Dataset<MultipleChoice> mmlu = Datasets.load("mmlu", "dev", MultipleChoice.class).stratified(100, 0, MultipleChoice::subject);
 * }</pre>
 * User files in other formats (BeaverTails, OR-Bench, HellaSwag, ...) load with {@link UserFormats}.
 */
public final class Datasets {
    /** A registry entry: record type, splits (the first is the default) and what it is. */
    public record Entry(String name, Class<? extends Item> type, List<String> splits, String description,
                        BiFunction<String, Boolean, Dataset<? extends Item>> loader) {
        public String defaultSplit() {
            return splits.get(0);
        }
    }

    /** The 57 MMLU subjects (one file per subject and split). */
    static final List<String> MMLU_SUBJECTS = List.of("abstract_algebra", "anatomy", "astronomy", "business_ethics",
            "clinical_knowledge", "college_biology", "college_chemistry", "college_computer_science", "college_mathematics",
            "college_medicine", "college_physics", "computer_security", "conceptual_physics", "econometrics",
            "electrical_engineering", "elementary_mathematics", "formal_logic", "global_facts", "high_school_biology",
            "high_school_chemistry", "high_school_computer_science", "high_school_european_history", "high_school_geography",
            "high_school_government_and_politics", "high_school_macroeconomics", "high_school_mathematics",
            "high_school_microeconomics", "high_school_physics", "high_school_psychology", "high_school_statistics",
            "high_school_us_history", "high_school_world_history", "human_aging", "human_sexuality", "international_law",
            "jurisprudence", "logical_fallacies", "machine_learning", "management", "marketing", "medical_genetics",
            "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition", "philosophy", "prehistory",
            "professional_accounting", "professional_law", "professional_medicine", "professional_psychology",
            "public_relations", "security_studies", "sociology", "us_foreign_policy", "virology", "world_religions");

    static final List<String> DAN_TEMPLATES = List.of("AntiDAN", "ChatGPT_Developer_Mode_RANTI", "ChatGPT_Developer_Mode_v2",
            "ChatGPT_Image_Markdown", "DAN_Jailbreak", "DUDE", "Dan_10_0", "Dan_11_0", "Dan_6_0", "Dan_6_2", "Dan_7_0",
            "Dan_8_0", "Dan_9_0", "STAN");

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    private static void register(String name, Class<? extends Item> type, List<String> splits, String description,
                                 BiFunction<String, Boolean, Dataset<? extends Item>> loader) {
        REGISTRY.put(name, new Entry(name, type, splits, description, loader));
    }

    static {
        register("advbench", HarmfulPrompt.class, List.of("behaviors"), "AdvBench harmful behaviours with affirmative targets (520)",
                (s, l) -> BundledLoaders.advbench(l));
        register("advbench_strings", Passage.class, List.of("strings"), "AdvBench harmful strings (574)",
                (s, l) -> BundledLoaders.advbenchStrings(l));
        register("harmbench", HarmfulPrompt.class, List.of("test", "val", "all"),
                "HarmBench text behaviours (test 320 = 159 standard + 81 contextual + 80 copyright; val 80) with GCG targets",
                BundledLoaders::harmbench);
        register("jailbreakbench", HarmfulPrompt.class, List.of("harmful"), "JailbreakBench JBB-Behaviors, harmful (100)",
                (s, l) -> BundledLoaders.jailbreakbench(l));
        register("jailbreakbench_benign", OverSafetyPrompt.class, List.of("benign"),
                "JailbreakBench JBB-Behaviors, benign counterparts (100)", (s, l) -> BundledLoaders.jailbreakbenchBenign(l));
        register("strongreject", HarmfulPrompt.class, List.of("test"), "StrongREJECT forbidden prompts (313)",
                (s, l) -> BundledLoaders.strongreject(l));
        register("xstest", OverSafetyPrompt.class, List.of("all", "safe", "unsafe"), "XSTest v2 (250 safe, 200 unsafe contrasts)",
                BundledLoaders::xstest);
        register("gptfuzzer_questions", HarmfulPrompt.class, List.of("test"), "GPTFuzzer harmful questions (100)",
                (s, l) -> BundledLoaders.gptfuzzerQuestions(l));
        register("mmlu", MultipleChoice.class, List.of("test", "dev"), "MMLU, 57 subjects (test 14,042; dev 285)",
                BundledLoaders::mmlu);
        register("gsm8k", MathProblem.class, List.of("test", "train"), "GSM8K (test 1,319; train 7,473)", BundledLoaders::gsm8k);
        register("arc_challenge", MultipleChoice.class, List.of("test", "dev"),
                "ARC-Challenge, letter-labelled items (test 1,150; dev 294)", BundledLoaders::arc);
        register("truthfulqa_mc1", MultipleChoice.class, List.of("validation"), "TruthfulQA MC1, one true answer (817)",
                (s, l) -> BundledLoaders.truthfulqa(1, l));
        register("truthfulqa_mc2", MultipleChoice.class, List.of("validation"), "TruthfulQA MC2, several true answers (817)",
                (s, l) -> BundledLoaders.truthfulqa(2, l));
        register("wikitext2", Passage.class, List.of("test"), "WikiText-2 raw test, one passage per article",
                (s, l) -> BundledLoaders.wikitext2(l));
        register("mt_bench", Instruction.class, List.of("test"), "MT-Bench questions (80, two turns) with GPT-4 reference answers where given",
                (s, l) -> BundledLoaders.mtBench(l));
        register("gptfuzzer_templates", JailbreakTemplate.class, List.of("all"), "GPTFuzzer jailbreak templates (77)",
                (s, l) -> BundledLoaders.gptfuzzerTemplates(l));
        register("dan_templates", JailbreakTemplate.class, List.of("all"), "DAN-family templates (14; model name 'ChatGPT')",
                (s, l) -> BundledLoaders.danTemplates(l));
        register("inthewild_templates", JailbreakTemplate.class, List.of("all"), "In-the-wild jailbreak prompts, Shen et al. (666)",
                (s, l) -> BundledLoaders.inTheWild(l));
        register("autodan_init", JailbreakTemplate.class, List.of("all"), "AutoDAN's initial prototype (1)",
                (s, l) -> BundledLoaders.autodanInit(l));
    }

    private Datasets() {
    }

    /** Registered names, in registry order. */
    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /** A registry entry. */
    public static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + REGISTRY.keySet());
        }
        return e;
    }

    /** The default split of {@code name}, strictly loaded, as records of {@code type}. */
    public static <T extends Item> Dataset<T> load(String name, Class<T> type) {
        return load(name, entry(name).defaultSplit(), type);
    }

    /** A split of {@code name}, strictly loaded, as records of {@code type}. */
    public static <T extends Item> Dataset<T> load(String name, String split, Class<T> type) {
        return load(name, split, type, false);
    }

    /**
     * A split of {@code name} as records of {@code type}; lenient loading skips bad rows and reports them in
     * {@link Dataset#skipped()} instead of throwing.
     *
     * @throws IllegalArgumentException for an unknown name or split, or a type that is not the dataset's
     */
    @SuppressWarnings("unchecked")
    public static <T extends Item> Dataset<T> load(String name, String split, Class<T> type, boolean lenient) {
        Entry e = entry(name);
        if (!e.splits().contains(split)) {
            throw new IllegalArgumentException("dataset '" + name + "' has no split '" + split + "'; it has " + e.splits());
        }
        if (!type.equals(e.type())) {
            throw new IllegalArgumentException("dataset '" + name + "' holds " + e.type().getSimpleName() + " items, not "
                    + type.getSimpleName());
        }
        return (Dataset<T>) e.loader().apply(split, lenient);
    }

    /** Any registered dataset's default split, whatever its record type. */
    public static Dataset<? extends Item> load(String name) {
        Entry e = entry(name);
        return e.loader().apply(e.defaultSplit(), false);
    }

    /** The final number of a GSM8K solution ("#### 1,234" → "1234"). */
    static String gsm8kAnswer(String solution) {
        Matcher m = Pattern.compile("####\\s*(-?[0-9.,]+)").matcher(solution);
        if (!m.find()) {
            throw new IllegalArgumentException("no '#### N' final answer");
        }
        return m.group(1).replace(",", "");
    }

    /** Splits WikiText raw text into articles at its top-level " = Title = " headings. */
    static List<String> wikiArticles(String text) {
        List<String> out = new ArrayList<>();
        Pattern heading = Pattern.compile("^ = [^=].* = \r?$"); // the file has some CRLF lines
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (heading.matcher(line).matches() && !cur.toString().isBlank()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            cur.append(line).append('\n');
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Reads a user file in one of the documented external formats (see {@link UserFormats}). */
    public static Dataset<? extends Item> fromFile(String format, Path file, boolean lenient) {
        return UserFormats.load(format, file, lenient);
    }
}
