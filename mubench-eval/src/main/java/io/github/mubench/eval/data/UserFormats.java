package io.github.mubench.eval.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Datasets that are not bundled (their licences or size keep them out), read from a user's file in the layout
 * their publishers distribute. Each format accepts CSV (with a header), JSON (an array of objects) or JSONL, by
 * file extension; the fields each needs are in {@link #FORMATS} and the README.
 */
public final class UserFormats {
    /** Format name → the fields it reads. */
    public static final Map<String, String> FORMATS = new LinkedHashMap<>();
    private static final Map<String, BiFunction<Path, Boolean, Dataset<? extends Item>>> LOADERS = new LinkedHashMap<>();

    static {
        add("beavertails", "prompt, response, is_safe (true/false), category (object of flags, or text); keeps the unsafe pairs",
                UserFormats::beavertails);
        add("pku_saferlhf", "prompt, is_response_0_safe, is_response_1_safe; keeps each prompt once, if a response is unsafe",
                UserFormats::pkuSafeRlhf);
        add("hex_phi", "prompt (or one prompt per line of a .txt), optional category (default: the file name)", (f, l) ->
                harmful("hex_phi", f, l));
        add("maliciousinstruct", "prompt (or one prompt per line of a .txt)", (f, l) -> harmful("maliciousinstruct", f, l));
        add("salad", "question (or prompt), optional 1-category / category", (f, l) -> harmful("salad", f, l));
        add("oktest", "prompt (or one prompt per line of a .txt); all safe", (f, l) -> overSafety("oktest", f, l, true));
        add("orbench_hard", "prompt, optional category; OR-Bench-Hard-1K, all safe", (f, l) -> overSafety("orbench_hard", f, l, true));
        add("orbench_toxic", "prompt, optional category; OR-Bench-Toxic, all unsafe", (f, l) -> overSafety("orbench_toxic", f, l, false));
        add("alpacaeval", "instruction, optional output (reference) and dataset (category)", UserFormats::alpacaEval);
        add("hellaswag", "ctx (or ctx_a + ctx_b), endings (4), label (0-3), optional activity_label", UserFormats::hellaswag);
        add("passages", "text (or one passage per line of a .txt)", UserFormats::passages);
    }

    private static void add(String name, String fields, BiFunction<Path, Boolean, Dataset<? extends Item>> loader) {
        FORMATS.put(name, fields);
        LOADERS.put(name, loader);
    }

    private UserFormats() {
    }

    /** Reads {@code file} as {@code format}. */
    public static Dataset<? extends Item> load(String format, Path file, boolean lenient) {
        var loader = LOADERS.get(format);
        if (loader == null) {
            throw new IllegalArgumentException("unknown dataset format '" + format + "'; known: " + FORMATS.keySet());
        }
        return loader.apply(file, lenient);
    }

    /** The first present of the usual names for a prompt field. */
    private static String prompt(Rows.Row r, String... names) {
        for (String n : names) {
            if (r.optional(n) != null) {
                return r.optional(n);
            }
        }
        return r.text(names[0]); // throws, naming the expected field
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    private static Dataset<HarmfulPrompt> harmful(String format, Path file, boolean lenient) {
        int[] n = {0};
        return new Conversion<HarmfulPrompt>(lenient).add(Rows.read(file), r -> {
            String category = r.optional("1-category") != null ? r.optional("1-category") : r.optional("category");
            return new HarmfulPrompt(format + "-" + n[0]++, prompt(r, "prompt", "question", "text", "goal"), null,
                    category != null ? category : stem(file), format);
        }).dataset(format, stem(file));
    }

    private static Dataset<OverSafetyPrompt> overSafety(String format, Path file, boolean lenient, boolean safe) {
        int[] n = {0};
        return new Conversion<OverSafetyPrompt>(lenient).add(Rows.read(file), r -> new OverSafetyPrompt(format + "-" + n[0]++,
                prompt(r, "prompt", "question", "text"), r.optional("category") != null ? r.optional("category") : format,
                safe, null)).dataset(format, stem(file));
    }

    private static Dataset<HarmfulPrompt> beavertails(Path file, boolean lenient) {
        int[] n = {0};
        return new Conversion<HarmfulPrompt>(lenient).add(Rows.read(file), r -> {
            int index = n[0]++;
            if (bool(r, "is_safe")) {
                return null;
            }
            JsonNode cat = r.fields().get("category");
            String category = null;
            if (cat != null && cat.isObject()) {
                List<String> on = new ArrayList<>();
                cat.fields().forEachRemaining(e -> {
                    if (e.getValue().asBoolean()) {
                        on.add(e.getKey());
                    }
                });
                category = on.isEmpty() ? null : String.join(",", on);
            } else if (cat != null) {
                category = cat.asText();
            }
            return new HarmfulPrompt("beavertails-" + index, r.text("prompt"), null, category, "BeaverTails");
        }).dataset("beavertails", stem(file));
    }

    private static Dataset<HarmfulPrompt> pkuSafeRlhf(Path file, boolean lenient) {
        Set<String> seen = new HashSet<>();
        int[] n = {0};
        return new Conversion<HarmfulPrompt>(lenient).add(Rows.read(file), r -> {
            int index = n[0]++;
            boolean unsafe = !bool(r, "is_response_0_safe") || !bool(r, "is_response_1_safe");
            String p = r.text("prompt");
            return unsafe && seen.add(p) ? new HarmfulPrompt("pku_saferlhf-" + index, p, null, null, "PKU-SafeRLHF") : null;
        }).dataset("pku_saferlhf", stem(file));
    }

    private static Dataset<Instruction> alpacaEval(Path file, boolean lenient) {
        int[] n = {0};
        return new Conversion<Instruction>(lenient).add(Rows.read(file), r -> new Instruction("alpacaeval-" + n[0]++,
                r.optional("dataset"), List.of(r.text("instruction")),
                r.optional("output") == null ? List.of() : List.of(r.optional("output")))).dataset("alpacaeval", stem(file));
    }

    private static Dataset<Passage> passages(Path file, boolean lenient) {
        int[] n = {0};
        return new Conversion<Passage>(lenient).add(Rows.read(file), r -> new Passage("passage-" + n[0]++, prompt(r, "text", "prompt")))
                .dataset("passages", stem(file));
    }

    private static Dataset<MultipleChoice> hellaswag(Path file, boolean lenient) {
        int[] n = {0};
        return new Conversion<MultipleChoice>(lenient).add(Rows.read(file), r -> {
            String ctx = r.optional("ctx") != null ? r.optional("ctx")
                    : r.text("ctx_a") + " " + capitalize(r.optional("ctx_b") == null ? "" : r.optional("ctx_b"));
            String activity = r.optional("activity_label");
            List<String> endings = r.texts("endings").stream().map(UserFormats::hellaswagClean).toList();
            String query = hellaswagClean((activity == null ? "" : activity + ": ") + ctx);
            return new MultipleChoice("hellaswag-" + n[0]++, activity, query, endings, List.of(r.integer("label")));
        }).dataset("hellaswag", stem(file));
    }

    /** lm-evaluation-harness's HellaSwag clean-up: WikiHow "[title]" markers become sentence breaks, other brackets go. */
    static String hellaswagClean(String text) {
        return text.strip().replace(" [title]", ". ").replaceAll("\\[.*?\\]", "").replace("  ", " ");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static boolean bool(Rows.Row r, String name) {
        JsonNode v = r.node(name);
        String s = v.asText().trim().toLowerCase(Locale.ROOT);
        if (v.isBoolean() || s.equals("true") || s.equals("false")) {
            return v.isBoolean() ? v.asBoolean() : s.equals("true");
        }
        throw new DatasetException(r.file(), r.line(), "field '" + name + "' should be true or false, is '" + v.asText() + "'");
    }
}
