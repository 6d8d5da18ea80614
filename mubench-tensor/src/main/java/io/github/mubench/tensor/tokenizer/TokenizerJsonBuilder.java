package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes HF {@code tokenizer.json} documents for vocabularies that come without one (llama2.c, GGUF), so that every
 * format runs through the one BPE implementation and can be saved in HF form.
 */
final class TokenizerJsonBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJsonBuilder() {
    }

    /**
     * SentencePiece-style BPE (Llama-2 family): "▁" for spaces with a dummy prefix, byte fallback, and merges that
     * are every split of a piece into two pieces, ranked by the merged piece's score (best first), which reproduces
     * SentencePiece's "merge the best-scoring pair" loop.
     *
     * @param pieces   vocabulary in id order, spaces already written as "▁"
     * @param scores   piece scores (higher merges first)
     * @param mergeable which ids may take part in merges (normal pieces; not control, byte or unknown tokens)
     * @param special  ids of control tokens (split out of text, skipped when decoding)
     */
    static ObjectNode sentencePiece(List<String> pieces, float[] scores, Set<Integer> mergeable, Set<Integer> special,
                                    String unk, String bos, boolean addBos) {
        ObjectNode root = header(pieces, special);
        var normalizers = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", "\u2581");
        normalizers.addObject().put("type", "Replace").put("content", "\u2581").putObject("pattern").put("String", " ");
        root.putNull("pre_tokenizer");
        template(root, addBos ? bos : null, pieces);
        var decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        decoders.addObject().put("type", "Replace").put("content", " ").putObject("pattern").put("String", "\u2581");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);

        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < pieces.size(); id++) {
            if (mergeable.contains(id)) {
                ids.putIfAbsent(pieces.get(id), id);
            }
        }
        record Merge(String left, String right, float score, int merged) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id : mergeable) {
            String p = pieces.get(id);
            for (int cut = p.isEmpty() ? 1 : p.offsetByCodePoints(0, 1); cut < p.length(); cut = p.offsetByCodePoints(cut, 1)) {
                if (ids.containsKey(p.substring(0, cut)) && ids.containsKey(p.substring(cut))) {
                    merges.add(new Merge(p.substring(0, cut), p.substring(cut), scores[id], id));
                }
            }
        }
        merges.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.merged(), b.merged()));
        ObjectNode model = model(root, pieces, unk, true);
        ArrayNode m = model.putArray("merges");
        merges.forEach(x -> m.add(x.left() + " " + x.right()));
        return root;
    }

    /** Byte-level BPE with GPT-2's pre-tokenizer regex, given merges as "left right" strings. */
    static ObjectNode byteLevel(List<String> pieces, List<String> merges, Set<Integer> special, String bos, boolean addBos) {
        ObjectNode root = header(pieces, special);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        template(root, addBos ? bos : null, pieces);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = model(root, pieces, null, false);
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return root;
    }

    private static ObjectNode header(List<String> pieces, Set<Integer> special) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        special.stream().sorted().forEach(id -> added.addObject().put("id", id).put("content", pieces.get(id))
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true));
        return root;
    }

    private static void template(ObjectNode root, String bos, List<String> pieces) {
        if (bos == null) {
            root.putNull("post_processor");
            return;
        }
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putArray("pair");
        ObjectNode b = post.putObject("special_tokens").putObject(bos);
        b.put("id", bos);
        b.putArray("ids").add(pieces.indexOf(bos));
        b.putArray("tokens").add(bos);
    }

    private static ObjectNode model(ObjectNode root, List<String> pieces, String unk, boolean byteFallback) {
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        if (unk == null) {
            model.putNull("unk_token");
        } else {
            model.put("unk_token", unk);
        }
        model.putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", byteFallback).put("byte_fallback", byteFallback).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < pieces.size(); id++) {
            if (!vocab.has(pieces.get(id))) {
                vocab.put(pieces.get(id), id);
            }
        }
        return model;
    }
}
