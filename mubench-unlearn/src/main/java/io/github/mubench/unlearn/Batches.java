package io.github.mubench.unlearn;

import io.github.mubench.unlearn.data.TokenizedExample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws the trainer's batches in a seeded order: forget and retain examples cycle through reshuffled passes,
 * random-mismatch rows pair each forget prompt with responses drawn at random, refusal rows follow their forget rows.
 * The same seed gives the same sequence of batches, so a resumed run replays it up to where it stopped.
 */
final class Batches {
    /** One batch: right-padded rows, next-token labels on response positions only, {@code S_ref} per row. */
    record Batch(int[][] tokens, boolean[][] valid, int[][] labels, double[] reference) {
    }

    private final BatchLayout layout;
    private final List<TokenizedExample> forget, retain, refusals;
    private final double[] forgetReference, refusalReference;
    private final int time;
    private final Order forgetOrder, retainOrder;
    private final Random mismatch;

    /**
     * @param refusals          refusal of each forget example (same index), or empty when the layout has none
     * @param forgetReference   {@code S_ref} of each forget example, or {@code null}
     * @param refusalReference  {@code S_ref} of each refusal, or {@code null}
     * @param time              the graph's sequence length (inputs; one token fewer than the longest example kept)
     */
    Batches(BatchLayout layout, List<TokenizedExample> forget, List<TokenizedExample> retain, List<TokenizedExample> refusals,
            double[] forgetReference, double[] refusalReference, int time, long seed) {
        this.layout = layout;
        this.forget = forget;
        this.retain = retain;
        this.refusals = refusals;
        this.forgetReference = forgetReference;
        this.refusalReference = refusalReference;
        this.time = time;
        Random rnd = new Random(seed);
        this.forgetOrder = new Order(forget.size(), rnd);
        this.retainOrder = new Order(Math.max(1, retain.size()), rnd);
        this.mismatch = new Random(~seed);
    }

    /**
     * The longest row the layout can produce from these sets, in tokens: random-mismatch rows join the longest
     * prompt with the longest response they draw from.
     */
    static int longestRow(BatchLayout layout, List<TokenizedExample> forget, List<TokenizedExample> retain,
                          List<TokenizedExample> refusals) {
        int longest = 0;
        for (List<TokenizedExample> set : List.of(forget, retain, refusals)) {
            for (TokenizedExample e : set) {
                longest = Math.max(longest, e.length());
            }
        }
        int prompt = forget.stream().mapToInt(e -> e.promptIds().length).max().orElse(0);
        if (layout.has(RowGroup.RANDOM_HARMFUL)) {
            longest = Math.max(longest, prompt + forget.stream().mapToInt(e -> e.responseIds().length).max().orElse(0));
        }
        if (layout.has(RowGroup.RANDOM_BENIGN)) {
            longest = Math.max(longest, prompt + retain.stream().mapToInt(e -> e.responseIds().length).max().orElse(0));
        }
        return longest;
    }

    Batch next() {
        int rows = layout.rows();
        int[][] tokens = new int[rows][time], labels = new int[rows][time];
        boolean[][] valid = new boolean[rows][time];
        double[] reference = new double[rows];
        int n = layout.count(RowGroup.FORGET);
        int[] drawn = new int[n];
        for (int i = 0; i < n; i++) {
            drawn[i] = forgetOrder.next();
            int row = layout.start(RowGroup.FORGET) + i;
            pack(forget.get(drawn[i]), tokens[row], valid[row], labels[row]);
            reference[row] = forgetReference == null ? 0 : forgetReference[drawn[i]];
        }
        for (int i = 0; i < layout.count(RowGroup.RETAIN); i++) {
            int row = layout.start(RowGroup.RETAIN) + i;
            pack(retain.get(retainOrder.next()), tokens[row], valid[row], labels[row]);
        }
        mismatched(RowGroup.RANDOM_HARMFUL, forget, drawn, tokens, valid, labels);
        mismatched(RowGroup.RANDOM_BENIGN, retain, drawn, tokens, valid, labels);
        for (int i = 0; i < layout.count(RowGroup.REFUSAL); i++) {
            int row = layout.start(RowGroup.REFUSAL) + i;
            pack(refusals.get(drawn[i]), tokens[row], valid[row], labels[row]);
            reference[row] = refusalReference == null ? 0 : refusalReference[drawn[i]];
        }
        return new Batch(tokens, valid, labels, reference);
    }

    /** K rows per forget row: its prompt, then the response of a random example of {@code source} (of another forget example for RANDOM_HARMFUL). */
    private void mismatched(RowGroup g, List<TokenizedExample> source, int[] drawn, int[][] tokens, boolean[][] valid,
                            int[][] labels) {
        int k = layout.count(g) / drawn.length; // BatchLayout: K rows per forget row, at least one forget row
        for (int i = 0; i < drawn.length; i++) {
            TokenizedExample own = forget.get(drawn[i]);
            for (int j = 0; j < k; j++) {
                boolean notItself = g == RowGroup.RANDOM_HARMFUL && source.size() > 1;
                int pick = notItself ? (drawn[i] + 1 + mismatch.nextInt(source.size() - 1)) % source.size()
                        : mismatch.nextInt(source.size());
                int row = layout.start(g) + i * k + j;
                pack(new TokenizedExample(own.promptIds(), source.get(pick).responseIds()), tokens[row], valid[row], labels[row]);
            }
        }
    }

    /** Right-pads one example into a row; labels are next-token targets on response positions only. */
    private static void pack(TokenizedExample e, int[] tokens, boolean[] valid, int[] labels) {
        int[] ids = e.ids();
        int keep = Math.min(ids.length, tokens.length + 1);
        int from = ids.length - keep; // cut from the left if too long
        int promptEnd = e.promptIds().length - from;
        Arrays.fill(labels, -100);
        for (int t = 0; t < keep - 1; t++) {
            tokens[t] = ids[from + t];
            valid[t] = true;
            if (t + 1 >= promptEnd) {
                labels[t] = ids[from + t + 1];
            }
        }
    }

    /** A seeded order through n items, reshuffled at each pass. */
    private static final class Order {
        private final List<Integer> order = new ArrayList<>();
        private final Random rnd;
        private int at;

        Order(int n, Random rnd) {
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            this.rnd = rnd;
            Collections.shuffle(order, rnd);
        }

        int next() {
            if (at == order.size()) {
                Collections.shuffle(order, rnd);
                at = 0;
            }
            return order.get(at++);
        }
    }
}
