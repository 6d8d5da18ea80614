package io.github.mubench.eval.suite;

import io.github.mubench.eval.task.Limited;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.safety.OverSafety;
import io.github.mubench.eval.task.safety.Safety;
import io.github.mubench.eval.task.utility.Arc;
import io.github.mubench.eval.task.utility.FilePerplexity;
import io.github.mubench.eval.task.utility.Gsm8k;
import io.github.mubench.eval.task.utility.HellaSwag;
import io.github.mubench.eval.task.utility.Mmlu;
import io.github.mubench.eval.task.utility.TruthfulQa;
import io.github.mubench.eval.task.utility.WikiText;
import io.github.mubench.tensor.param.Parameters;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tasks by name, with their settings declared once on a record each; a spec {@code NAME[:k=v,...]} (what
 * {@code --task} takes) builds one.
 */
public final class Tasks {
    /**
     * One registered task.
     *
     * @param use      safety, over-safety or utility
     * @param settings the record declaring its settings
     * @param variant  values that make this entry differ from the record's defaults (gsm8k_cot: cot true)
     */
    public record Entry(String name, String use, String description, Class<? extends Record> settings, Map<String, String> variant,
                        Function<Record, Task> make) {
        /** The task with {@code values} over this entry's defaults. */
        public Task create(Map<String, String> values) {
            Map<String, String> all = new LinkedHashMap<>(variant);
            all.putAll(values);
            return make.apply(Parameters.create(settings, all, "task '" + name + "'"));
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    private static <S extends Record> void add(String name, String use, String description, Class<S> settings, Map<String, String> variant,
                                               Function<S, Task> make) {
        REGISTRY.put(name, new Entry(name, use, description, settings, variant, s -> make.apply((S) s)));
    }

    static {
        for (String d : new String[]{"advbench", "harmbench", "jailbreakbench", "strongreject"}) {
            add(d, "safety", "harmful prompts of " + d + ", plain and through attacks: attack success rate per judge",
                    Safety.Settings.class, Map.of(), s -> new Safety(d, s));
        }
        add("xstest", "over-safety", "XSTest: refusal of safe prompts (and of the unsafe contrasts)", OverSafety.Settings.class,
                Map.of(), OverSafety::new);
        add("mmlu", "utility", "MMLU 5-shot by log-likelihood of the answer letters: acc, acc_macro", Mmlu.Settings.class, Map.of(), Mmlu::new);
        add("arc_challenge", "utility", "ARC-Challenge by log-likelihood: acc, acc_norm", Arc.Settings.class, Map.of(), Arc::new);
        add("truthfulqa_mc1", "utility", "TruthfulQA MC1: acc", TruthfulQa.Settings.class, Map.of("mc", "1"), TruthfulQa::new);
        add("truthfulqa_mc2", "utility", "TruthfulQA MC2: normalised mass of the true answers", TruthfulQa.Settings.class,
                Map.of("mc", "2"), TruthfulQa::new);
        add("gsm8k", "utility", "GSM8K 5-shot, generated: exact match, strict and flexible", Gsm8k.Settings.class, Map.of(), Gsm8k::new);
        add("gsm8k_cot", "utility", "GSM8K 8-shot chain of thought: exact match, strict and flexible", Gsm8k.Settings.class,
                Map.of("cot", "true"), Gsm8k::new);
        add("wikitext2", "utility", "WikiText-2 perplexity: word, byte, bits per byte", WikiText.Settings.class, Map.of(), WikiText::new);
        add("perplexity", "utility", "perplexity of a user's passages (path=FILE): word, byte, bits per byte", FilePerplexity.Settings.class,
                Map.of(), FilePerplexity::new);
        add("hellaswag", "utility", "HellaSwag-format multiple choice from a user's file (path=FILE): acc, acc_norm", HellaSwag.Settings.class,
                Map.of(), HellaSwag::new);
    }

    private Tasks() {
    }

    /** Every entry, in registry order. */
    public static Collection<Entry> entries() {
        return REGISTRY.values();
    }

    /** The entry of {@code name}, or an error listing the known ones. */
    public static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known: " + String.join(", ", REGISTRY.keySet()));
        }
        return e;
    }

    /**
     * A task from a spec {@code NAME[:k=v,k=v]}, e.g. {@code advbench:attacks=none+base64,max_new_tokens=64}; the key
     * {@code limit} gives the task an item limit of its own ({@link Limited}).
     */
    public static Task parse(String spec) {
        return parse(spec, null);
    }

    /**
     * A task from a spec, as {@link #parse(String)}; a relative {@code path} setting (a user's file) is resolved
     * against {@code baseDir}, the folder of the suite or experiment file that names it ({@code null}: the working
     * folder).
     */
    public static Task parse(String spec, java.nio.file.Path baseDir) {
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).strip();
        Map<String, String> values = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String kv : spec.substring(colon + 1).split(",")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("task spec '" + spec + "': '" + kv + "' is not KEY=VALUE");
                }
                values.put(kv.substring(0, eq).strip(), kv.substring(eq + 1));
            }
        }
        String file = values.get("path");
        if (baseDir != null && file != null && !file.isBlank()) {
            values.put("path", baseDir.resolve(file.strip()).toString());
        }
        String limit = values.remove("limit");
        Task task = entry(name).create(values);
        if (limit == null) {
            return task;
        }
        try {
            return new Limited(task, Integer.parseInt(limit.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task spec '" + spec + "': limit must be a whole number, got '" + limit + "'");
        }
    }

    /**
     * The task specs of a suite: a bundled one by name ({@code mubench-quick}, {@code mubench-full}), else a file with
     * one spec per line ({@code #} starts a comment; relative paths in it are relative to the file's folder).
     */
    public static List<Task> suite(String nameOrFile) {
        String text;
        java.nio.file.Path baseDir = null;
        try (var in = Tasks.class.getResourceAsStream("/io/github/mubench/eval/suites/" + nameOrFile + ".txt")) {
            if (in != null) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } else {
                java.nio.file.Path file = java.nio.file.Path.of(nameOrFile);
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("suite '" + nameOrFile + "' is neither a bundled suite (mubench-quick, "
                            + "mubench-full) nor a file");
                }
                text = java.nio.file.Files.readString(file);
                baseDir = file.toAbsolutePath().getParent();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Task> out = new java.util.ArrayList<>();
        for (String line : text.lines().toList()) {
            String spec = line.replaceAll("#.*", "").strip();
            if (!spec.isEmpty()) {
                out.add(parse(spec, baseDir));
            }
        }
        return out;
    }
}
