package io.github.mubench.tensor.score;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.fixtures.Fixture;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.model.Llama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLikelihoodTest {

    /** Every fixture on the ND4J-ops model and the default CPU one. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> fixturesAndModels() {
        return Fixture.all().stream().flatMap(name -> java.util.stream.Stream.of("nd4j", "blas")
                .map(kind -> org.junit.jupiter.params.provider.Arguments.of(name, kind)));
    }

    /** Scores each fixture row's labelled tokens and compares with PyTorch's log-probs (1e-4), on both models. */
    @ParameterizedTest
    @MethodSource("fixturesAndModels")
    void tokenLogprobsMatchPyTorch(String name, String kind) {
        Fixture f = new Fixture(name);
        int[][] tokens = f.tokens(), labels = f.labels();
        boolean[][] valid = f.valid();
        INDArray expected = f.ref("token_logprobs");
        List<LogLikelihood.Request> requests = new ArrayList<>();
        List<Integer> firstLabelled = new ArrayList<>();
        for (int b = 0; b < tokens.length; b++) {
            int start = 0;
            while (!valid[b][start]) {
                start++;
            }
            int first = 0;
            while (labels[b][first] == -100) {
                first++;
            }
            // position t predicts token t+1: context = tokens[start..first], continuation = tokens[first+1..]
            requests.add(new LogLikelihood.Request(Arrays.copyOfRange(tokens[b], start, first + 1),
                    Arrays.copyOfRange(tokens[b], first + 1, tokens[b].length)));
            firstLabelled.add(first);
        }
        List<LogLikelihood.Result> results = new LogLikelihood(kind.equals("nd4j") ? new Llama(f.checkpoint())
                : new io.github.mubench.tensor.model.BlasLlama(f.checkpoint()), 2).score(requests);
        for (int b = 0; b < tokens.length; b++) {
            double[] lp = results.get(b).tokenLogprobs();
            double sum = 0;
            for (int i = 0; i < lp.length; i++) {
                double want = expected.getDouble(b, firstLabelled.get(b) + i);
                assertEquals(want, lp[i], 1e-4, name + "/" + kind + " row " + b + " token " + i);
                sum += want;
            }
            assertEquals(sum, results.get(b).logprob(), 1e-3);
        }
    }

    @Test
    void batchedLeftPaddedScoresEqualOneByOne() {
        var m = Models.stories260K();
        LanguageModel model = m.inference();
        List<LogLikelihood.Request> reqs = List.of(
                LogLikelihood.Request.encode(m.tokenizer(), "Once upon a time, there was a", " little girl"),
                LogLikelihood.Request.encode(m.tokenizer(), "Lily", " was happy."),
                LogLikelihood.Request.encode(m.tokenizer(), "The dog ran to the park and ", "played with a ball."));
        List<LogLikelihood.Result> batched = new LogLikelihood(model, 3).score(reqs);
        List<LogLikelihood.Result> single = new LogLikelihood(model, 1).score(reqs);
        for (int i = 0; i < reqs.size(); i++) {
            assertEquals(single.get(i).logprob(), batched.get(i).logprob(), 1e-4);
            assertEquals(single.get(i).isGreedy(), batched.get(i).isGreedy());
        }
        assertTrue(single.get(0).logprob() > single.get(2).logprob() - 50, "sanity: finite log-probs");
    }

    /**
     * Requests with the same model input share one row: a question's four one-token choices, and a request whose
     * continuation starts earlier over the same tokens (context {@code c + [x]}, continuation {@code [y]} against
     * context {@code c}, continuation {@code [x, y]}). Each scores as it does alone, in a batch of other rows.
     */
    @Test
    void requestsWithTheSameInputShareOneRowAndScoreAsAlone() {
        var m = Models.stories260K();
        int[] context = m.tokenizer().encode("Once upon a time, there was a little", true);
        int[] shorter = Arrays.copyOf(context, context.length - 1);
        List<LogLikelihood.Request> reqs = new ArrayList<>();
        for (int choice : new int[]{10, 200, 300, 511}) {
            reqs.add(new LogLikelihood.Request(context, new int[]{choice}));
        }
        reqs.add(new LogLikelihood.Request(shorter, new int[]{context[context.length - 1], 42}));
        reqs.add(new LogLikelihood.Request(context, new int[]{42}));
        reqs.add(new LogLikelihood.Request(new int[]{1, 5, 9}, new int[]{7, 8}));
        Rows model = new Rows(m.inference());
        List<LogLikelihood.Result> shared = new LogLikelihood(model, 8).score(reqs);
        assertEquals(List.of(2), model.rows, "one row for the six requests reading the same input, one for the other");
        for (int i = 0; i < reqs.size(); i++) {
            LogLikelihood.Result alone = new LogLikelihood(m.inference(), 1).score(List.of(reqs.get(i))).get(0);
            assertEquals(alone.tokenLogprobs().length, shared.get(i).tokenLogprobs().length);
            for (int t = 0; t < alone.tokenLogprobs().length; t++) {
                assertEquals(alone.tokenLogprobs()[t], shared.get(i).tokenLogprobs()[t], 1e-5, "request " + i + " token " + t);
            }
            assertEquals(alone.isGreedy(), shared.get(i).isGreedy());
        }
        assertEquals(shared.get(4).tokenLogprobs()[1], shared.get(5).tokenLogprobs()[0], 1e-6, "the same position, the same token");
    }

    /** A model that records how many rows each forward pass gets. */
    private static final class Rows implements LanguageModel {
        private final LanguageModel model;
        final List<Integer> rows = new ArrayList<>();

        Rows(LanguageModel model) {
            this.model = model;
        }

        @Override
        public io.github.mubench.tensor.model.LlamaConfig config() {
            return model.config();
        }

        @Override
        public io.github.mubench.tensor.model.KvCache newCache(int batch, int capacity) {
            return model.newCache(batch, capacity);
        }

        @Override
        public INDArray forward(int[][] tokens, boolean[][] valid, io.github.mubench.tensor.model.KvCache cache, boolean lastOnly) {
            rows.add(tokens.length);
            return model.forward(tokens, valid, cache, lastOnly);
        }

        @Override
        public INDArray forwardLast(int[][] tokens, boolean[][] valid, io.github.mubench.tensor.model.KvCache cache, int last) {
            rows.add(tokens.length);
            return model.forwardLast(tokens, valid, cache, last);
        }
    }

    @Test
    void greedyContinuationIsFlaggedGreedy() {
        var m = Models.stories260K();
        // stories260K greedily continues "Once upon a time" with ", there was a little girl" (llama2.c's output).
        var r = new LogLikelihood(m.inference(), 2).score(List.of(
                LogLikelihood.Request.encode(m.tokenizer(), "Once upon a time", ", there was a little girl"),
                LogLikelihood.Request.encode(m.tokenizer(), "Once upon a time", " banana spaceship")));
        assertTrue(r.get(0).isGreedy());
        assertFalse(r.get(1).isGreedy());
        assertTrue(r.get(0).logprob() > r.get(1).logprob());
    }

    @Test
    void rollingWindowsPredictEveryTokenOnceAndMatchASinglePassWhenItFits() {
        var m = Models.stories260K();
        LanguageModel model = m.inference();
        int[] ids = m.tokenizer().encode("Once upon a time, there was a little girl named Lily. She loved to play.", false);
        var ll = new LogLikelihood(model, 4);
        LogLikelihood.Result rolling = ll.rolling(ids, 1);
        LogLikelihood.Result direct = ll.score(List.of(new LogLikelihood.Request(new int[]{1}, ids))).get(0);
        assertEquals(ids.length, rolling.tokenLogprobs().length);
        assertEquals(direct.logprob(), rolling.logprob(), 1e-4);
    }

    @Test
    void encodeMovesTrailingSpaceOfContextToContinuation() {
        var tok = Models.stories260K().tokenizer();
        var a = LogLikelihood.Request.encode(tok, "Once upon a ", "time");
        var b = LogLikelihood.Request.encode(tok, "Once upon a", " time");
        assertEquals(Arrays.toString(b.context()), Arrays.toString(a.context()));
        assertEquals(Arrays.toString(b.continuation()), Arrays.toString(a.continuation()));
    }
}
