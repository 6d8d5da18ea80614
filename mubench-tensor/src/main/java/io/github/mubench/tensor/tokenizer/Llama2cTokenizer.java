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
import java.util.PriorityQueue;
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

    /**
     * llama2.c's merge loop (repeatedly merge the adjacent pair whose merged piece scores highest, the leftmost on
     * ties) in O(n log n): the candidate pairs wait in a heap ordered by score, then by position; a candidate whose
     * pieces have merged since it was queued is skipped. Same merges, same order, as the quadratic loop.
     */
    private void mergeBestPairs(List<Integer> tokens, int from) {
        int n = tokens.size();
        if (n - from < 2) {
            return;
        }
        int[] id = new int[n], next = new int[n], prev = new int[n], version = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = tokens.get(i);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // candidate: {merged id, left node, right node, left version, right version}, best score first, then leftmost
        PriorityQueue<int[]> heap = new PriorityQueue<>((x, y) -> {
            int c = Float.compare(scores[y[0]], scores[x[0]]);
            return c != 0 ? c : Integer.compare(x[1], y[1]);
        });
        for (int i = from; i + 1 < n; i++) {
            offer(heap, id, version, i, i + 1);
        }
        while (!heap.isEmpty()) {
            int[] c = heap.poll();
            int left = c[1], right = c[2];
            if (version[left] != c[3] || version[right] != c[4] || next[left] != right) {
                continue; // a piece changed since this pair was queued
            }
            id[left] = c[0];
            version[left]++;
            version[right] = -1; // gone
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= from) {
                offer(heap, id, version, prev[left], left);
            }
            if (next[left] >= 0) {
                offer(heap, id, version, left, next[left]);
            }
        }
        tokens.clear();
        for (int i = 0; i >= 0; i = next[i]) {
            tokens.add(id[i]);
        }
    }

    private void offer(PriorityQueue<int[]> heap, int[] id, int[] version, int left, int right) {
        Integer merged = ids.get(pieceText(id[left]) + pieceText(id[right]));
        if (merged != null) {
            heap.add(new int[]{merged, left, right, version[left], version[right]});
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
