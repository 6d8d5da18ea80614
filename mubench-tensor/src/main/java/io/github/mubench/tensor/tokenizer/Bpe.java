package io.github.mubench.tensor.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of HF tokenizers: a word becomes one symbol per character (characters missing from the vocabulary
 * become {@code <0xXX>} byte tokens with {@code byte_fallback}, else the unknown token, fused when {@code fuse_unk}),
 * then the adjacent pair with the lowest merge rank is merged, leftmost first on ties, until no ranked pair is left.
 * Pairs wait in a priority queue, so a long word costs O(n log n), not O(n²).
 */
final class Bpe {
    /** Words longer than this are not cached (whole lines reach BPE when there is no pre-tokenizer). */
    private static final int CACHE_MAX_WORD = 64;

    private final Map<String, Integer> vocab;
    /** (left id, right id) packed in a long → (rank, merged id) packed in a long. */
    private final Map<Long, Long> merges;
    private final int[] byteIds = new int[256];
    private final Integer unkId;
    private final boolean byteFallback;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param mergeList merges in rank order, each as {left, right}
     * @throws IllegalArgumentException if a merge names a token missing from the vocabulary
     */
    Bpe(Map<String, Integer> vocab, java.util.List<String[]> mergeList, Integer unkId, boolean byteFallback,
        boolean fuseUnk, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] m = mergeList.get(rank);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]), merged = vocab.get(m[0] + m[1]);
            if (a == null || b == null || merged == null) {
                throw new IllegalArgumentException("merge #" + rank + " '" + m[0] + " " + m[1] + "' uses a token missing from the vocabulary");
            }
            merges.putIfAbsent(pair(a, b), ((long) rank << 32) | merged);
        }
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** Token ids of one pre-tokenized word. */
    int[] tokenize(String word) {
        if (word.isEmpty()) {
            return new int[0];
        }
        boolean cacheable = word.length() <= CACHE_MAX_WORD;
        int[] cached = cacheable ? cache.get(word) : null;
        if (cached != null) {
            return cached;
        }
        int[] ids = merge(word);
        if (cacheable && cache.size() < 200_000) {
            cache.put(word, ids);
        }
        return ids;
    }

    private int[] merge(String word) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                return new int[]{whole};
            }
        }
        int[] sym = initialSymbols(word);
        int n = sym.length;
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // candidate merges: rank, position of the left symbol, left id, right id
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, sym, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] c = queue.poll();
            int i = (int) c[1], j = next[i];
            if (sym[i] != (int) c[2] || j < 0 || sym[j] != (int) c[3]) {
                continue; // stale: one side was merged away since
            }
            sym[i] = (int) (merges.get(pair(sym[i], sym[j])) & 0xffffffffL);
            sym[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
                offer(queue, sym, i, next[i]);
            }
            if (prev[i] >= 0) {
                offer(queue, sym, prev[i], i);
            }
        }
        return Arrays.stream(sym).filter(id -> id >= 0).toArray();
    }

    private void offer(PriorityQueue<long[]> queue, int[] sym, int i, int j) {
        Long m = merges.get(pair(sym[i], sym[j]));
        if (m != null) {
            queue.add(new long[]{m >>> 32, i, sym[i], sym[j]});
        }
    }

    /** One id per character, with byte fallback or the unknown token for characters outside the vocabulary. */
    private int[] initialSymbols(String word) {
        int[] out = new int[word.length() * 4];
        int n = 0;
        boolean lastWasUnk = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            String ch = word.substring(i, i + Character.charCount(cp));
            i += ch.length();
            Integer id = vocab.get(ch);
            if (id != null) {
                out[n++] = id;
                lastWasUnk = false;
                continue;
            }
            byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
            if (byteFallback && Arrays.stream(toInts(bytes)).allMatch(b -> byteIds[b] >= 0)) {
                for (byte b : bytes) {
                    out[n++] = byteIds[b & 0xff];
                }
                lastWasUnk = false;
            } else if (unkId != null) {
                if (!(fuseUnk && lastWasUnk)) {
                    out[n++] = unkId;
                }
                lastWasUnk = true;
            } else {
                throw new IllegalArgumentException("'" + ch + "' is not in the vocabulary and the tokenizer has no "
                        + "unknown token or byte fallback");
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }
}
