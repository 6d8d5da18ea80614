package io.github.mubench.tensor.score;

import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
     * @param batchSize requests scored per forward pass
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

    /** Scores every request, in order. */
    public List<Result> score(List<Request> requests) {
        List<Result> out = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += batchSize) {
            out.addAll(scoreBatch(requests.subList(from, Math.min(requests.size(), from + batchSize))));
        }
        return out;
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

    private List<Result> scoreBatch(List<Request> batch) {
        int maxLen = model.config().maxPositionEmbeddings();
        List<int[]> inputs = new ArrayList<>();
        for (Request r : batch) {
            int[] whole = concat(r.context(), r.continuation());
            int[] input = Arrays.copyOfRange(whole, 0, whole.length - 1);
            if (r.continuation().length > maxLen) {
                throw new IllegalArgumentException("continuation of " + r.continuation().length
                        + " tokens exceeds the model's context of " + maxLen);
            }
            inputs.add(input.length > maxLen ? Arrays.copyOfRange(input, input.length - maxLen, input.length) : input);
        }
        int width = inputs.stream().mapToInt(a -> a.length).max().orElseThrow();
        int[][] tokens = new int[batch.size()][width];
        boolean[][] valid = new boolean[batch.size()][width];
        for (int b = 0; b < batch.size(); b++) {
            int[] in = inputs.get(b);
            System.arraycopy(in, 0, tokens[b], width - in.length, in.length);
            Arrays.fill(valid[b], width - in.length, width, true);
        }
        // only the positions that predict a continuation token get logits: left padding ends every row with its own
        int last = batch.stream().mapToInt(r -> r.continuation().length).max().orElseThrow();
        INDArray logits = model.forwardLast(tokens, valid, model.newCache(batch.size(), width), last);

        List<Result> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] cont = batch.get(b).continuation();
            double[] lp = new double[cont.length];
            boolean greedy = true;
            for (int i = 0; i < cont.length; i++) {
                int pos = last - cont.length + i; // the logits at pos (input position width - cont.length + i) predict continuation token i
                float[] row = Logits.vector(logits, b, pos);
                lp[i] = Logits.logSoftmaxAt(row, cont[i]);
                greedy &= Logits.argmax(row) == cont[i];
            }
            out.add(new Result(Arrays.stream(lp).sum(), greedy, lp));
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
