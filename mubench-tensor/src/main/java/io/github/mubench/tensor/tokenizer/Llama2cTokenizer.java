package io.github.mubench.tensor.tokenizer;

import io.github.mubench.tensor.io.FormatException;

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
            throw FormatException.unreadable(file, e);
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
            throw FormatException.unreadable(file, e);
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
                    throw new FormatException(name, "token " + i, "length " + len
                            + " runs past the end of the file; expected a tokenizer with " + vocabSize + " tokens");
                }
                pieces[i] = new byte[len];
                b.get(pieces[i]);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new FormatException(name, "tokens", "file ends early; expected " + vocabSize
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
     * An equivalent HF {@code tokenizer.json} (SentencePiece-style BPE whose merges reproduce llama2.c's
     * best-score-first loop); ids 0-2 become {@code <unk>}, {@code <s>}, {@code </s>}.
     */
    public ObjectNode toHfTokenizerJson() {
        List<String> hf = new ArrayList<>();
        java.util.Set<Integer> mergeable = new java.util.HashSet<>();
        for (int id = 0; id < pieces.length; id++) {
            hf.add(switch (id) {
                case 0 -> "<unk>";
                case BOS -> "<s>";
                case EOS -> "</s>";
                default -> pieceText(id).replace(" ", "\u2581");
            });
            if (id >= BYTE_OFFSET + 256) {
                mergeable.add(id); // byte and control tokens never merge
            }
        }
        return TokenizerJsonBuilder.sentencePiece(hf, scores, mergeable, java.util.Set.of(0, BOS, EOS), "<unk>", "<s>", true);
    }
}
