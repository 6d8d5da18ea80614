package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An HF {@code tokenizer.json} with a BPE model, in pure Java: byte-level BPE (GPT-2, Llama-3, Qwen2) and
 * SentencePiece-style BPE (Llama-2, Mistral, Phi-3). The pipeline is HF's: added tokens are split out first, each
 * remaining span is normalized, pre-tokenized and run through BPE, then the post-processor adds special tokens.
 * Unsupported components (WordPiece, Unigram, ...) are refused by name; nothing falls back silently.
 */
public final class HfTokenizer implements Tokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LLAMA_STYLE_CLASSES = Set.of("LlamaTokenizer", "LlamaTokenizerFast",
            "CodeLlamaTokenizer", "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast");

    private final Bpe bpe;
    private final UnaryOperator<String> normalizer;
    private final PreTokenizer preTokenizer;
    private final Decoder decoder;
    private final AddedTokens added;
    private final String[] idToToken;
    private final Set<Integer> specialIds = new HashSet<>();
    private final Map<String, Integer> tokenToId = new HashMap<>();
    /** Special-token ids placed before and after a sequence when special tokens are added. */
    private final int[] prefix, suffix;
    private final int bosId;

    private HfTokenizer(Path file, JsonNode root, JsonNode config) {
        var ctx = new TokenizerJson.Context(file, "tokenizer");
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw new FormatException(file, "model", "missing; expected the tokenizer model object");
        }
        var mctx = ctx.at("model");
        String type = model.has("type") ? mctx.text(model, "type") : "BPE";
        if (!type.equals("BPE")) {
            throw mctx.unsupported("model", type, "BPE");
        }
        for (String field : new String[]{"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (model.hasNonNull(field) && !model.get(field).asText().isEmpty()) {
                throw new FormatException(file, "model." + field, model.get(field) + " is not supported; expected null");
            }
        }
        if (model.hasNonNull("dropout") && model.get("dropout").asDouble() > 0) {
            throw new FormatException(file, "model.dropout", model.get("dropout") + " is not supported; expected null");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject()) {
            throw new FormatException(file, "model.vocab", "missing; expected {token: id}");
        }
        vocabNode.fields().forEachRemaining(e -> {
            if (!e.getValue().isInt() || e.getValue().asInt() < 0) {
                throw new FormatException(file, "model.vocab." + e.getKey(), e.getValue() + "; expected a token id >= 0");
            }
            tokenToId.put(e.getKey(), e.getValue().asInt());
        });
        List<String[]> mergeList = new ArrayList<>();
        JsonNode merges = mctx.array(model, "merges");
        for (int r = 0; r < merges.size(); r++) {
            JsonNode m = merges.get(r);
            boolean twoTexts = m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual();
            String[] pair = twoTexts ? new String[]{m.get(0).asText(), m.get(1).asText()} : m.isTextual() ? m.asText().split(" ", 2) : new String[0];
            if (pair.length != 2) {
                throw new FormatException(file, "model.merges[" + r + "]", m + "; expected \"left right\" or [left, right]");
            }
            mergeList.add(pair);
        }
        String unk = model.hasNonNull("unk_token") ? model.get("unk_token").asText() : null;
        normalizer = Normalizer.of(root.get("normalizer"), ctx.at("normalizer"));
        preTokenizer = PreTokenizer.of(root.get("pre_tokenizer"), ctx.at("pre_tokenizer"));
        decoder = Decoder.of(root.get("decoder"), ctx.at("decoder"));

        List<AddedTokens.Token> addedTokens = new ArrayList<>();
        JsonNode at = root.get("added_tokens");
        if (at != null && at.isArray()) {
            for (int i = 0; i < at.size(); i++) {
                JsonNode t = at.get(i);
                if (!t.path("id").isInt() || t.path("id").asInt() < 0 || !t.path("content").isTextual()) {
                    throw new FormatException(file, "added_tokens[" + i + "]", t + "; expected {id: an integer >= 0, content: text, ...}");
                }
                var tok = new AddedTokens.Token(t.get("id").asInt(), t.get("content").asText(), t.path("special").asBoolean(false),
                        t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false),
                        t.path("single_word").asBoolean(false), t.path("normalized").asBoolean(false));
                addedTokens.add(tok);
                tokenToId.put(tok.content(), tok.id());
                if (tok.special()) {
                    specialIds.add(tok.id());
                }
            }
        }
        added = new AddedTokens(addedTokens, normalizer);
        long span = tokenToId.values().stream().mapToLong(Integer::longValue).max().orElse(-1) + 1;
        // ids are (nearly) dense: a few entries cannot honestly claim an id space of gigabytes
        long bound = 2L * tokenToId.size() + 1024;
        if (span > bound || tokenToId.values().stream().anyMatch(id -> id < 0)) {
            throw new FormatException(file, "model.vocab", "token ids reach " + (span - 1) + " with only " + tokenToId.size()
                    + " tokens; expected ids from 0 to about the number of tokens");
        }
        int size = (int) span;
        idToToken = new String[size];
        tokenToId.forEach((k, v) -> {
            if (idToToken[v] == null || addedTokens.stream().anyMatch(t -> t.id() == v && t.content().equals(k))) {
                idToToken[v] = k;
            }
        });
        try {
            bpe = new Bpe(tokenToId, mergeList, unk == null ? null : tokenToId.get(unk), model.path("byte_fallback").asBoolean(false),
                    model.path("fuse_unk").asBoolean(false), model.path("ignore_merges").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, "model.merges", e.getMessage() + "; expected merges of vocabulary tokens");
        }

        List<Integer> pre = new ArrayList<>(), post = new ArrayList<>();
        template(root.get("post_processor"), ctx.at("post_processor"), pre, post);
        String bos = tokenName(config, "bos_token");
        String eos = tokenName(config, "eos_token");
        if (config != null && LLAMA_STYLE_CLASSES.contains(config.path("tokenizer_class").asText())
                && (config.has("add_bos_token") || config.has("add_eos_token"))) {
            // transformers rebuilds these tokenizers' template from tokenizer_config's flags
            pre.clear();
            post.clear();
            if (config.path("add_bos_token").asBoolean(true) && bos != null && tokenToId.containsKey(bos)) {
                pre.add(tokenToId.get(bos));
            }
            if (config.path("add_eos_token").asBoolean(false) && eos != null && tokenToId.containsKey(eos)) {
                post.add(tokenToId.get(eos));
            }
        }
        prefix = pre.stream().mapToInt(Integer::intValue).toArray();
        suffix = post.stream().mapToInt(Integer::intValue).toArray();
        bosId = bos != null && tokenToId.containsKey(bos) ? tokenToId.get(bos) : prefix.length > 0 ? prefix[0] : -1;
    }

    /** {@code bos_token} of tokenizer_config.json, written as a string or as {@code {"content": ...}}. */
    private static String tokenName(JsonNode config, String field) {
        if (config == null || !config.hasNonNull(field)) {
            return null;
        }
        JsonNode v = config.get(field);
        return v.isTextual() ? v.asText() : v.path("content").asText(null);
    }

    /** Reads the single-sequence template of a post-processor into the ids before and after the sequence. */
    private void template(JsonNode node, TokenizerJson.Context ctx, List<Integer> pre, List<Integer> post) {
        if (node == null || node.isNull()) {
            return;
        }
        String type = ctx.text(node, "type");
        switch (type) {
            case "ByteLevel" -> {
                // only trims offsets; ids are unchanged
            }
            case "Sequence" -> {
                for (JsonNode p : ctx.array(node, "processors")) {
                    template(p, ctx.at("processors"), pre, post);
                }
            }
            case "TemplateProcessing" -> {
                boolean afterSequence = false;
                JsonNode specials = node.path("special_tokens");
                for (JsonNode item : ctx.array(node, "single")) {
                    if (item.has("Sequence")) {
                        afterSequence = true;
                    } else if (item.has("SpecialToken")) {
                        String id = item.get("SpecialToken").path("id").asText();
                        JsonNode ids = specials.path(id).path("ids");
                        if (!ids.isArray()) {
                            throw new FormatException(ctx.file(), ctx.where() + ".special_tokens." + id, "missing; expected its ids");
                        }
                        List<Integer> target = afterSequence ? post : pre;
                        ids.forEach(x -> target.add(x.asInt()));
                    }
                }
            }
            default -> throw ctx.unsupported("post_processor", type, "TemplateProcessing, ByteLevel, Sequence");
        }
    }

    /** A tokenizer from a tokenizer.json document already read; {@code source} names it in errors. */
    static HfTokenizer fromJson(Path source, JsonNode root, JsonNode config) {
        return new HfTokenizer(source, root, config);
    }

    /** Loads {@code tokenizer.json}, with {@code tokenizer_config.json} beside it when present. */
    public static HfTokenizer load(Path tokenizerJson) {
        Path config = tokenizerJson.resolveSibling("tokenizer_config.json");
        return new HfTokenizer(tokenizerJson, readJson(tokenizerJson), Files.isRegularFile(config) ? readJson(config) : null);
    }

    /** Reads a JSON object file (tokenizer.json, tokenizer_config.json), failing with the file named. */
    public static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new FormatException(file, "json", "expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new FormatException(file, "json", "cannot be read as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        if (addSpecialTokens) {
            for (int id : prefix) {
                ids.add(id);
            }
        }
        List<AddedTokens.Span> spans = added.splitRaw(text);
        for (int s = 0; s < spans.size(); s++) {
            AddedTokens.Span span = spans.get(s);
            if (span.isToken()) {
                ids.add(span.id());
                continue;
            }
            List<AddedTokens.Span> subs = added.splitNormalized(normalizer.apply(span.text()));
            for (int k = 0; k < subs.size(); k++) {
                AddedTokens.Span sub = subs.get(k);
                if (sub.isToken()) {
                    ids.add(sub.id());
                    continue;
                }
                boolean atStart = s == 0 && k == 0;
                for (String word : preTokenizer.split(List.of(sub.text()), atStart)) {
                    for (int id : bpe.tokenize(word)) {
                        ids.add(id);
                    }
                }
            }
        }
        if (addSpecialTokens) {
            for (int id : suffix) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + idToToken.length);
            }
            if (!(skipSpecialTokens && specialIds.contains(id))) {
                tokens.add(idToToken[id]);
            }
        }
        return String.join("", decoder.decode(tokens));
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    /** The id of a token string (added tokens included), or -1. */
    public int tokenId(String token) {
        return tokenToId.getOrDefault(token, -1);
    }

    /** The string of a token id. */
    public String token(int id) {
        return idToToken[id];
    }
}
