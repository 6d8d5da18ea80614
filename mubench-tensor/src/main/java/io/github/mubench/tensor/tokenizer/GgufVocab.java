package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.io.FormatException;
import io.github.mubench.tensor.checkpoint.GgufFile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer stored in a GGUF file's {@code tokenizer.ggml.*} metadata, as an HF tokenizer.json: SentencePiece
 * vocabularies ({@code tokenizer.ggml.model = llama}) and byte-level BPE with GPT-2's pre-tokenizer
 * ({@code gpt2} with {@code tokenizer.ggml.pre} {@code default} or {@code gpt-2}). Other models and pre-tokenizers
 * are refused by name.
 */
public final class GgufVocab {
    private static final int TYPE_NORMAL = 1, TYPE_UNKNOWN = 2, TYPE_CONTROL = 3;
    private static final List<String> SUPPORTED_PRE = List.of("default", "gpt-2");

    private GgufVocab() {
    }

    /** The GGUF file's tokenizer. */
    public static HfTokenizer tokenizer(GgufFile gguf) {
        return HfTokenizer.fromJson(gguf.path(), toTokenizerJson(gguf), null);
    }

    /** The GGUF file's tokenizer as a tokenizer.json document. */
    public static ObjectNode toTokenizerJson(GgufFile gguf) {
        Map<String, Object> m = gguf.metadata();
        String model = String.valueOf(m.get("tokenizer.ggml.model"));
        List<String> tokens = strings(gguf, "tokenizer.ggml.tokens");
        List<?> types = m.get("tokenizer.ggml.token_type") instanceof List<?> l ? l : List.of();
        Set<Integer> special = new HashSet<>(), mergeable = new HashSet<>();
        for (int id = 0; id < tokens.size(); id++) {
            long type = id < types.size() ? ((Number) types.get(id)).longValue() : TYPE_NORMAL;
            if (type == TYPE_CONTROL || type == TYPE_UNKNOWN) {
                special.add(id);
            } else if (type == TYPE_NORMAL) {
                mergeable.add(id);
            }
        }
        String bos = tokenAt(tokens, m.get("tokenizer.ggml.bos_token_id"));
        switch (model) {
            case "llama" -> {
                List<?> rawScores = m.get("tokenizer.ggml.scores") instanceof List<?> l ? l : List.of();
                float[] scores = new float[tokens.size()];
                for (int i = 0; i < scores.length && i < rawScores.size(); i++) {
                    scores[i] = ((Number) rawScores.get(i)).floatValue();
                }
                boolean addBos = !(m.get("tokenizer.ggml.add_bos_token") instanceof Boolean b) || b;
                return TokenizerJsonBuilder.sentencePiece(tokens, scores, mergeable, special,
                        tokenAt(tokens, m.get("tokenizer.ggml.unknown_token_id")), bos, addBos && bos != null);
            }
            case "gpt2" -> {
                String pre = m.get("tokenizer.ggml.pre") instanceof String s ? s : "default";
                if (!SUPPORTED_PRE.contains(pre)) {
                    throw new FormatException(gguf.path(), "tokenizer.ggml.pre", "pre-tokenizer '" + pre
                            + "' is not supported; supported: " + SUPPORTED_PRE);
                }
                boolean addBos = m.get("tokenizer.ggml.add_bos_token") instanceof Boolean b && b;
                return TokenizerJsonBuilder.byteLevel(tokens, strings(gguf, "tokenizer.ggml.merges"), special, bos, addBos && bos != null);
            }
            default -> throw new FormatException(gguf.path(), "tokenizer.ggml.model", "'" + model
                    + "' is not supported; supported: [llama (SentencePiece BPE), gpt2 (byte-level BPE)]");
        }
    }

    private static String tokenAt(List<String> tokens, Object id) {
        return id instanceof Number n && n.intValue() >= 0 && n.intValue() < tokens.size() ? tokens.get(n.intValue()) : null;
    }

    private static List<String> strings(GgufFile gguf, String key) {
        if (!(gguf.metadata().get(key) instanceof List<?> list)) {
            throw new FormatException(gguf.path(), key, "missing; expected a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        list.forEach(x -> out.add(String.valueOf(x)));
        return out;
    }
}
