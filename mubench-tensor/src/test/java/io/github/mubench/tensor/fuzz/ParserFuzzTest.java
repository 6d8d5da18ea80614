package io.github.mubench.tensor.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.chat.ChatTemplate;
import io.github.mubench.tensor.chat.ChatTemplateException;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.io.FormatException;
import io.github.mubench.tensor.tokenizer.HfTokenizer;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every parser, fed mutations of a valid file (seeded, a few hundred cases each), either reads it or throws the
 * typed error that names file and field ({@link FormatException}, {@link ChatTemplateException}): never another
 * exception, an {@link Error} (out of memory, stack overflow) or a hang. Byte mutations aim at headers, where a
 * change means something; JSON mutations replace one value anywhere in the tree with a hostile one. A case that
 * ever fails here is kept as a named test in {@code BadInputTest}.
 */
class ParserFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static byte[] safetensors, config, gguf, llama2c, tok512;
    private static JsonNode tokenizerJson;

    @BeforeContainer
    static void fixtures() throws IOException {
        dir = Files.createTempDirectory("fuzz");
        Path llama = new Fixture("llama").folder;
        safetensors = Files.readAllBytes(llama.resolve("model.safetensors"));
        config = Files.readAllBytes(llama.resolve("config.json"));
        gguf = Files.readAllBytes(llama.resolve("model.gguf"));
        llama2c = resource("stories260K.bin");
        tok512 = resource("tok512.bin");
        Path tok = dir.resolve("tok512.bin");
        Files.write(tok, tok512);
        tokenizerJson = Llama2cTokenizer.load(tok, 512).toHfTokenizerJson();
    }

    @AfterContainer
    static void clean() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Models.class.getResourceAsStream("/io/github/mubench/tensor/models/stories260K/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Runs {@code parse}: a result or a typed error pass; anything else fails the property with the case. */
    private static void readsOrRefuses(Supplier<?> parse, Class<? extends RuntimeException> typed) {
        try {
            parse.get();
        } catch (RuntimeException e) {
            if (!typed.isInstance(e)) {
                throw new AssertionError("untyped failure: " + e, e);
            }
        }
    }

    /** Up to 6 byte edits (position, value), positions within the first {@code span} bytes, and maybe a truncation. */
    private static Arbitrary<byte[]> mutated(Supplier<byte[]> original, int span) {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, span - 1), Arbitraries.integers().between(0, 255))
                .as((at, value) -> new int[]{at, value});
        Arbitrary<List<int[]>> edits = edit.list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 100).map(p -> p < 90 ? -1 : p);
        return Combinators.combine(edits, cut).as((es, c) -> {
            byte[] b = original.get().clone();
            for (int[] e : es) {
                if (e[0] < b.length) {
                    b[e[0]] = (byte) e[1];
                }
            }
            return c < 0 ? b : java.util.Arrays.copyOf(b, b.length * (c - 90) / 10);
        });
    }

    @Provide
    Arbitrary<byte[]> safetensorsFiles() {
        return mutated(() -> safetensors, 1200);
    }

    @Property(seed = "12")
    void safetensors(@ForAll("safetensorsFiles") byte[] bytes) throws IOException {
        Path m = Files.createDirectories(dir.resolve("st"));
        Files.write(m.resolve("config.json"), config);
        Files.write(m.resolve("model.safetensors"), bytes);
        readsOrRefuses(() -> HfCheckpoint.load(m), FormatException.class);
    }

    @Provide
    Arbitrary<byte[]> ggufFiles() {
        return mutated(() -> gguf, 1500);
    }

    @Property(seed = "13")
    void gguf(@ForAll("ggufFiles") byte[] bytes) throws IOException {
        Path f = dir.resolve("m.gguf");
        Files.write(f, bytes);
        readsOrRefuses(() -> GgufCheckpoint.load(f), FormatException.class);
    }

    @Provide
    Arbitrary<byte[]> llama2cFiles() {
        return mutated(() -> llama2c, 28);
    }

    @Property(seed = "14")
    void llama2c(@ForAll("llama2cFiles") byte[] bytes) {
        readsOrRefuses(() -> Llama2cCheckpoint.load(bytes, Path.of("fuzz.bin")), FormatException.class);
    }

    @Provide
    Arbitrary<byte[]> tokenizerBins() {
        return mutated(() -> tok512, 400);
    }

    @Property(seed = "15")
    void llama2cTokenizer(@ForAll("tokenizerBins") byte[] bytes) throws IOException {
        Path f = dir.resolve("tok.bin");
        Files.write(f, bytes);
        readsOrRefuses(() -> Llama2cTokenizer.load(f, 512).encode("Once upon a time, Lily", true), FormatException.class);
    }

    /** Values a hostile file puts where another value was. */
    private static Arbitrary<JsonNode> hostileValue() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return Arbitraries.of(f.numberNode(-1), f.numberNode(0), f.numberNode(1L << 40), f.numberNode(1e300 * 1e300), f.numberNode(-0.5),
                f.numberNode(Integer.MAX_VALUE), f.textNode(""), f.textNode("x"), f.nullNode(), f.arrayNode(), f.objectNode(),
                f.booleanNode(true), f.textNode("(a+)+\\1b"), f.numberNode(3.7));
    }

    /** The tree with one value (chosen by {@code pick} among all of them) replaced by {@code value}. */
    private static JsonNode replaceOne(JsonNode root, int pick, JsonNode value) {
        JsonNode copy = root.deepCopy();
        List<Object[]> slots = new ArrayList<>(); // {container, key or index}
        collect(copy, slots);
        if (slots.isEmpty()) {
            return copy;
        }
        Object[] slot = slots.get(Math.floorMod(pick, slots.size()));
        if (slot[0] instanceof ObjectNode o) {
            o.set((String) slot[1], value);
        } else {
            ((ArrayNode) slot[0]).set((Integer) slot[1], value);
        }
        return copy;
    }

    private static void collect(JsonNode node, List<Object[]> slots) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(k -> {
                slots.add(new Object[]{o, k});
                collect(o.get(k), slots);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < Math.min(a.size(), 40); i++) { // the first entries of long arrays (merges) stand for all
                slots.add(new Object[]{a, i});
                collect(a.get(i), slots);
            }
        }
    }

    @Property(seed = "16")
    void configJson(@ForAll int pick, @ForAll("hostileValues") JsonNode value) throws IOException {
        Path m = Files.createDirectories(dir.resolve("cfg"));
        Files.write(m.resolve("config.json"), JSON.writeValueAsBytes(replaceOne(JSON.readTree(config), pick, value)));
        Files.write(m.resolve("model.safetensors"), safetensors);
        readsOrRefuses(() -> HfCheckpoint.load(m), FormatException.class);
    }

    @Provide
    Arbitrary<JsonNode> hostileValues() {
        return hostileValue();
    }

    @Property(seed = "17")
    void tokenizerJson(@ForAll int pick, @ForAll("hostileValues") JsonNode value) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.write(f, JSON.writeValueAsBytes(replaceOne(tokenizerJson, pick, value)));
        readsOrRefuses(() -> HfTokenizer.load(f).encode("Once upon a time, Lily met 3 cats. 🙂", true), FormatException.class);
    }

    @Provide
    Arbitrary<String> templates() {
        List<String> pieces = List.of("{% for m in messages %}", "{% endfor %}", "{{ m['content'] }}", "{{ m.role }}", "{% if m.role == 'user' %}",
                "{% endif %}", "{{ raise_exception('no') }}", "{{ range(5)|join(',') }}", "{{ range(99999) }}", "{% set x = 1 %}", "{{ x + 'a' }}",
                "{{ messages[9] }}", "{{ bos_token }}", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "{{", "}}", "{%", "%}", "text",
                "{{ messages|tojson }}", "{% include 'x' %}", "{{ undefined_thing.attr }}", "{{ 1/0 }}", "{{ 'a' * 100 }}");
        return Arbitraries.of(pieces).list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
    }

    @Property(seed = "18")
    void chatTemplates(@ForAll("templates") String template) {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello."), ChatMessage.user("Bye"));
        readsOrRefuses(() -> new ChatTemplate(template, "<s>", "</s>").render(conversation, true), ChatTemplateException.class);
    }
}
