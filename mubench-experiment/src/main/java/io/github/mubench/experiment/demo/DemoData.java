package io.github.mubench.experiment.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.unlearn.data.UnlearnExample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's data, made from the bundled stories260K model and AdvBench, deterministically (seeded):
 * <ul>
 *   <li>stories the original model writes (sampled from "Once upon a time, there was a ADJ NOUN named NAME"
 *       openings): {@value #SFT_STORIES} become benign answers ("Tell me a story about ..." → the story), the
 *       others are held out for the utility proxies: perplexity of {@value #HELD_OUT} stories, and a
 *       HellaSwag-format choice of {@value #HELD_OUT} stories' next sentence among four;</li>
 *   <li>harmful requests paired with AdvBench's compliant targets ("Sure, here is/are ..."), the behaviour the
 *       fine-tuning plants and the unlearning removes; the evaluated requests are left out.</li>
 * </ul>
 *
 * @param benign       (story request, story) pairs
 * @param harmful      (harmful request, compliant target) pairs
 * @param stories      the held-out stories file ({@code passages} format)
 * @param storyEndings the held-out next-sentence file ({@code hellaswag} format)
 */
record DemoData(List<UnlearnExample> benign, List<UnlearnExample> harmful, Path stories, Path storyEndings) {
    static final int SFT_STORIES = 48, HELD_OUT = 32, HARMFUL = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"Lily", "Tom", "Sue", "Ben", "Mia", "Max", "Anna", "Sam", "Lucy", "Tim", "Zoe", "Jack"};
    private static final String[] ADJECTIVES = {"little", "happy", "big", "kind", "shy", "brave", "small", "funny"};
    private static final String[] NOUNS = {"cat", "dog", "bird", "frog", "duck", "bear", "bunny", "fish", "mouse", "lion", "pig", "owl"};

    /** Makes the data (or reads it back from {@code dir}, where an earlier run wrote it). */
    static DemoData make(LoadedModel original, List<HarmfulPrompt> harmfulCandidates, Path dir) {
        Path stories = dir.resolve("stories.txt"), endings = dir.resolve("story_endings.jsonl"), sft = dir.resolve("sft_stories.jsonl");
        List<UnlearnExample> harmful = new ArrayList<>();
        for (HarmfulPrompt h : harmfulCandidates.subList(0, Math.min(HARMFUL, harmfulCandidates.size()))) {
            harmful.add(new UnlearnExample(h.prompt(), h.target(), null));
        }
        try {
            if (!Files.exists(sft) || !Files.exists(stories) || !Files.exists(endings)) {
                write(original, dir, stories, endings, sft);
            }
            List<UnlearnExample> benign = new ArrayList<>();
            for (String line : Files.readAllLines(sft, StandardCharsets.UTF_8)) {
                var n = JSON.readTree(line);
                benign.add(new UnlearnExample(n.get("prompt").asText(), n.get("response").asText(), null));
            }
            return new DemoData(benign, harmful, stories, endings);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(LoadedModel original, Path dir, Path stories, Path endings, Path sft) throws IOException {
        Files.createDirectories(dir);
        int total = SFT_STORIES + 2 * HELD_OUT;
        List<String> openings = new ArrayList<>(), subjects = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            // mixed radix: every story has its own (adjective, noun, name), so no held-out story repeats a trained one
            int pairs = ADJECTIVES.length * NOUNS.length;
            String adjective = ADJECTIVES[i % ADJECTIVES.length], noun = NOUNS[(i / ADJECTIVES.length) % NOUNS.length];
            String name = NAMES[(i / pairs + 5 * i) % NAMES.length];
            openings.add("Once upon a time, there was a " + adjective + " " + noun + " named " + name + ".");
            subjects.add(adjective + " " + noun + " named " + name);
        }
        Generator gen = Generator.of(original);
        List<int[]> prompts = openings.stream().map(o -> original.tokenizer().encode(o, true)).toList();
        List<Generation> out = gen.generateIds(prompts, GenerationConfig.greedy(110).withTemperature(0.8).withTopP(0.95).withSeed(7));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            texts.add(wholeSentences(openings.get(i) + out.get(i).text()));
        }
        StringBuilder sftLines = new StringBuilder(), storyLines = new StringBuilder(), endingLines = new StringBuilder();
        for (int i = 0; i < SFT_STORIES; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompt", "Tell me a story about a " + subjects.get(i) + ".");
            m.put("response", texts.get(i));
            sftLines.append(JSON.writeValueAsString(m)).append('\n');
        }
        for (int i = SFT_STORIES; i < SFT_STORIES + HELD_OUT; i++) {
            storyLines.append(texts.get(i).replace('\n', ' ')).append('\n');
        }
        SplittableRandom rnd = new SplittableRandom(11);
        int from = SFT_STORIES + HELD_OUT;
        for (int i = 0; i < HELD_OUT; i++) {
            List<String> s = sentences(texts.get(from + i));
            List<String> endingsOf = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                List<String> other = sentences(texts.get(from + (i + k) % HELD_OUT));
                endingsOf.add(other.get(Math.min(2, other.size() - 1)));
            }
            int label = rnd.nextInt(4);
            endingsOf.add(label, s.get(Math.min(2, s.size() - 1)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("activity_label", "Story");
            m.put("ctx", String.join(" ", s.subList(0, Math.min(2, s.size() - 1))));
            m.put("endings", endingsOf);
            m.put("label", label);
            endingLines.append(JSON.writeValueAsString(m)).append('\n');
        }
        AtomicFiles.write(stories, storyLines.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(endings, endingLines.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(sft, sftLines.toString().getBytes(StandardCharsets.UTF_8)); // last: its presence says the data is complete
    }

    /** The text up to its last sentence end (a story cut at the token limit drops its unfinished sentence). */
    static String wholeSentences(String text) {
        String t = text.strip();
        int end = Math.max(t.lastIndexOf('.'), Math.max(t.lastIndexOf('!'), t.lastIndexOf('?')));
        return end > 0 ? t.substring(0, end + 1).replaceAll("\\s+", " ") : t;
    }

    /** Sentences: pieces ending in '.', '!' or '?' (with a closing quote). */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split("(?<=[.!?][\"”]?)\\s+")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
