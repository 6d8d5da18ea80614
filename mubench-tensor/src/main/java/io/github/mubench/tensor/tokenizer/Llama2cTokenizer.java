package io.github.mubench.tensor.tokenizer;

import io.github.mubench.tensor.checkpoint.CheckpointException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * llama2.c's {@code tokenizer.bin}: SentencePiece-style BPE where the highest-scoring adjacent pair merges first,
 * characters missing from the vocabulary fall back to byte tokens {@code <0x00>..<0xFF>} (ids 3..258), and a
 * dummy-prefix space is added before non-empty text. Ids 1 and 2 are BOS and EOS.
 */
public final class Llama2cTokenizer implements Tokenizer {
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;

    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();

    private Llama2cTokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(new String(pieces[i], StandardCharsets.UTF_8), i);
        }
    }

    /** Reads a tokenizer file; the vocabulary size comes from the model it belongs to. */
    public static Llama2cTokenizer load(Path file, int vocabSize) {
        try {
            return read(Files.readAllBytes(file), vocabSize, file);
        } catch (IOException e) {
            throw new CheckpointException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a tokenizer file on its own, counting its tokens (for when no model says the vocabulary size). */
    public static Llama2cTokenizer load(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int count = 0;
            b.position(4);
            while (b.remaining() >= 8) {
                b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    break;
                }
                b.position(b.position() + len);
                count++;
            }
            return read(bytes, count, file);
        } catch (IOException e) {
            throw new CheckpointException(file, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a tokenizer held in memory; {@code name} is used in errors. */
    public static Llama2cTokenizer read(byte[] bytes, int vocabSize, Path name) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[][] pieces = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        try {
            b.getInt(); // max_token_length: only a buffer-size hint for the C code
            for (int i = 0; i < vocabSize; i++) {
                scores[i] = b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new CheckpointException(name, "token " + i, "length " + len
                            + " runs past the end of the file; expected a tokenizer with " + vocabSize + " tokens");
                }
                pieces[i] = new byte[len];
                b.get(pieces[i]);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointException(name, "tokens", "file ends early; expected " + vocabSize
                    + " tokens (the model's vocab_size)", e);
        }
        return new Llama2cTokenizer(pieces, scores);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> tokens = new ArrayList<>();
        if (addSpecialTokens) {
            tokens.add(BOS);
        }
        if (!text.isEmpty()) {
            tokens.add(ids.get(" "));
        }
        text.codePoints().forEach(cp -> {
            Integer id = ids.get(new String(Character.toChars(cp)));
            if (id != null) {
                tokens.add(id);
            } else {
                for (byte by : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    tokens.add((by & 0xff) + BYTE_OFFSET);
                }
            }
        });
        mergeBestPairs(tokens, addSpecialTokens ? 1 : 0);
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Repeatedly merges the adjacent pair whose concatenation is the highest-scoring vocabulary entry. */
    private void mergeBestPairs(List<Integer> tokens, int from) {
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1, bestAt = -1;
            for (int i = from; i + 1 < tokens.size(); i++) {
                Integer merged = ids.get(pieceText(tokens.get(i)) + pieceText(tokens.get(i + 1)));
                if (merged != null && scores[merged] > best) {
                    best = scores[merged];
                    bestId = merged;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                return;
            }
            tokens.set(bestAt, bestId);
            tokens.remove(bestAt + 1);
        }
    }

    private String pieceText(int id) {
        return new String(pieces[id], StandardCharsets.UTF_8);
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + pieces.length);
            }
            if (skipSpecialTokens && (id == BOS || id == EOS)) {
                prev = id;
                continue;
            }
            byte[] p = pieces[id];
            if (id >= BYTE_OFFSET && id < BYTE_OFFSET + 256) {
                out.write(id - BYTE_OFFSET);
            } else if ((prev == BOS || prev == -1) && p.length > 0 && p[0] == ' ') {
                out.write(p, 1, p.length - 1); // the dummy-prefix space is not part of the text
            } else {
                out.write(p, 0, p.length);
            }
            prev = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * An equivalent HF {@code tokenizer.json}: SentencePiece-style BPE (dummy-prefix "▁", spaces as "▁", byte
     * fallback) whose merges are every split of a vocabulary piece into two pieces, ranked by the merged piece's
     * score, which reproduces llama2.c's "merge the best-scoring pair first" loop.
     */
    public ObjectNode toHfTokenizerJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        var added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", hfPiece(id)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        var normalizers = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", "\u2581");
        normalizers.addObject().put("type", "Replace").put("content", "\u2581").putObject("pattern").put("String", " ");
        root.putNull("pre_tokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((com.fasterxml.jackson.databind.node.ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putArray("pair");
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add("<s>");
        var decoders = root.putObject("decoder").put("type", "Sequence").putArray("decoders");
        decoders.addObject().put("type", "Replace").put("content", " ").putObject("pattern").put("String", "\u2581");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", true).put("byte_fallback", true).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < pieces.length; id++) {
            vocab.put(hfPiece(id), id);
        }
        record Merge(String left, String right, float score, int merged) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = BYTE_OFFSET + 256; id < pieces.length; id++) {
            String p = hfPiece(id);
            for (int cut = p.offsetByCodePoints(0, 1); cut < p.length(); cut = p.offsetByCodePoints(cut, 1)) {
                Integer l = hfIds().get(p.substring(0, cut)), r = hfIds().get(p.substring(cut));
                if (l != null && r != null && l >= BYTE_OFFSET + 256 && r >= BYTE_OFFSET + 256) { // byte and control tokens never merge
                    merges.add(new Merge(p.substring(0, cut), p.substring(cut), scores[id], id));
                }
            }
        }
        merges.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.merged(), b.merged()));
        var m = model.putArray("merges");
        merges.forEach(x -> m.add(x.left() + " " + x.right()));
        return root;
    }

    /** The piece of {@code id} as HF writes it: "▁" for spaces, and plain names for the control tokens. */
    private String hfPiece(int id) {
        return switch (id) {
            case 0 -> "<unk>";
            case BOS -> "<s>";
            case EOS -> "</s>";
            default -> pieceText(id).replace(" ", "\u2581");
        };
    }

    private Map<String, Integer> hfIdCache;

    private Map<String, Integer> hfIds() {
        if (hfIdCache == null) {
            hfIdCache = new HashMap<>();
            for (int id = 0; id < pieces.length; id++) {
                hfIdCache.putIfAbsent(hfPiece(id), id);
            }
        }
        return hfIdCache;
    }
}
