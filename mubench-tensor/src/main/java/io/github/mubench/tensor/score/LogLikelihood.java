package io.github.mubench.tensor.score;

import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-evaluation-harness's model contract on token ids: {@code loglikelihood(context, continuation) → (logprob,
 * isGreedy)} and {@code loglikelihood_rolling(tokens)}. Requests are batched with left padding, which changes no
 * result (tests hold batched and single scores together).
 */
public final class LogLikelihood {
    private final LanguageModel model;
    private final int batchSize;

    /**
     * @param model     the inference model
     * @param batchSize rows of a forward pass: distinct model inputs (requests that share one share its row; {@link #score}
     *                  holds every request's input, at most the model's context each, for the whole call)
     */
    public LogLikelihood(LanguageModel model, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
    }

    /**
     * One scoring request: the continuation's tokens are scored given the context's.
     *
     * @param context      at least one token (lm-eval uses BOS/EOS for an empty context)
     * @param continuation at least one token
     */
    public record Request(int[] context, int[] continuation) {
        public Request {
            if (context.length == 0 || continuation.length == 0) {
                throw new IllegalArgumentException("context and continuation need at least one token each");
            }
        }

        /**
         * Encodes a text pair as lm-evaluation-harness does: trailing spaces of the context move to the
         * continuation, and the continuation's tokens are those of {@code encode(context + continuation)} past
         * {@code encode(context)} (so a word split across the boundary is tokenized as in running text).
         */
        public static Request encode(Tokenizer tokenizer, String context, String continuation) {
            return encode(tokenizer, context, continuation, true);
        }

        /**
         * Same as {@link #encode(Tokenizer, String, String)}, adding the tokenizer's special tokens or not (a context
         * rendered by a chat template writes its own).
         */
        public static Request encode(Tokenizer tokenizer, String context, String continuation, boolean addSpecialTokens) {
            int spaces = context.length() - context.stripTrailing().length();
            String ctx = context.substring(0, context.length() - spaces);
            String cont = context.substring(context.length() - spaces) + continuation;
            int[] whole = tokenizer.encode(ctx + cont, addSpecialTokens);
            int[] ctxIds = tokenizer.encode(ctx, addSpecialTokens);
            int[] contIds = Arrays.copyOfRange(whole, Math.min(ctxIds.length, whole.length), whole.length);
            if (ctxIds.length == 0) {
                // an empty context without BOS (GPT-2 style): lm-eval conditions on a prefix token instead
                if (tokenizer.bosId() < 0) {
                    throw new IllegalArgumentException("empty context and the tokenizer has no BOS token to condition on");
                }
                ctxIds = new int[]{tokenizer.bosId()};
            }
            return new Request(ctxIds, contIds);
        }
    }

    /**
     * @param logprob       summed log-probability of the continuation (natural log)
     * @param isGreedy      whether every continuation token is the model's argmax
     * @param tokenLogprobs per-token log-probabilities of the continuation
     */
    public record Result(double logprob, boolean isGreedy, double[] tokenLogprobs) {
    }

    /**
     * Scores every request, in order. Requests whose model input is the same (the context, and the continuation but its
     * last token) share one row of a forward pass, as lm-evaluation-harness does: a multiple-choice question's choices
     * of one token each (MMLU's " A" to " D") cost one row, not four.
     */
    public List<Result> score(List<Request> requests) {
        Map<Input, Integer> rowOf = new HashMap<>();
        List<int[]> rows = new ArrayList<>();
        List<List<Integer>> askers = new ArrayList<>(); // the requests each row answers
        for (int i = 0; i < requests.size(); i++) {
            int[] input = input(requests.get(i));
            int row = rowOf.computeIfAbsent(new Input(input), k -> rows.size());
            if (row == rows.size()) {
                rows.add(input);
                askers.add(new ArrayList<>());
            }
            askers.get(row).add(i);
        }
        Result[] out = new Result[requests.size()];
        for (int from = 0; from < rows.size(); from += batchSize) {
            int to = Math.min(rows.size(), from + batchSize);
            scoreBatch(rows.subList(from, to), askers.subList(from, to), requests, out);
        }
        return Arrays.asList(out);
    }

    /** An input's tokens as a map key. */
    private record Input(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Input other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    /** What the model reads for a request: its context and continuation but the last token, at most the model's context (the end kept). */
    private int[] input(Request r) {
        int maxLen = model.config().maxPositionEmbeddings();
        if (r.continuation().length > maxLen) {
            throw new IllegalArgumentException("continuation of " + r.continuation().length
                    + " tokens exceeds the model's context of " + maxLen);
        }
        int[] whole = concat(r.context(), r.continuation());
        return Arrays.copyOfRange(whole, Math.max(0, whole.length - 1 - maxLen), whole.length - 1);
    }

    /**
     * Log-likelihood of a whole text in windows of at most the model's context, each token predicted exactly once
     * (lm-eval's rolling windows with context length 1); {@code prefix} (BOS or EOS) predicts the first token.
     *
     * @return the log-probabilities of all {@code tokens}, summed and per token
     */
    public Result rolling(int[] tokens, int prefix) {
        int maxLen = model.config().maxPositionEmbeddings();
        List<Request> windows = new ArrayList<>();
        int first = Math.min(maxLen, tokens.length);
        if (first == 0) {
            return new Result(0, true, new double[0]);
        }
        windows.add(new Request(new int[]{prefix}, Arrays.copyOfRange(tokens, 0, first)));
        int predicted = first;
        while (predicted < tokens.length) {
            int n = Math.min(tokens.length - predicted, maxLen);
            int end = predicted + n;
            windows.add(new Request(Arrays.copyOfRange(tokens, end - maxLen - 1, end - n), Arrays.copyOfRange(tokens, end - n, end)));
            predicted = end;
        }
        List<Result> parts = score(windows);
        double[] perToken = parts.stream().flatMapToDouble(r -> Arrays.stream(r.tokenLogprobs())).toArray();
        return new Result(Arrays.stream(perToken).sum(), parts.stream().allMatch(Result::isGreedy), perToken);
    }

    /** One forward pass over {@code inputs}, left-padded, into {@code out} for the requests each of them answers. */
    private void scoreBatch(List<int[]> inputs, List<List<Integer>> askers, List<Request> requests, Result[] out) {
        int width = inputs.stream().mapToInt(a -> a.length).max().orElseThrow();
        int[][] tokens = new int[inputs.size()][width];
        boolean[][] valid = new boolean[inputs.size()][width];
        // only the positions that predict a continuation token get logits: left padding ends every row with its own
        int last = 1;
        for (int b = 0; b < inputs.size(); b++) {
            int[] in = inputs.get(b);
            System.arraycopy(in, 0, tokens[b], width - in.length, in.length);
            Arrays.fill(valid[b], width - in.length, width, true);
            for (int i : askers.get(b)) {
                last = Math.max(last, requests.get(i).continuation().length);
            }
        }
        INDArray logits = model.forwardLast(tokens, valid, model.newCache(inputs.size(), width), last);
        for (int b = 0; b < inputs.size(); b++) {
            for (int asker : askers.get(b)) {
                int[] cont = requests.get(asker).continuation();
                double[] lp = new double[cont.length];
                boolean greedy = true;
                for (int i = 0; i < cont.length; i++) {
                    int pos = last - cont.length + i; // the logits at pos (input position width - cont.length + i) predict continuation token i
                    float[] row = Logits.vector(logits, b, pos);
                    lp[i] = Logits.logSoftmaxAt(row, cont[i]);
                    greedy &= Logits.argmax(row) == cont[i];
                }
                out[asker] = new Result(Arrays.stream(lp).sum(), greedy, lp);
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
