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

    /** Scores each fixture row's labelled tokens and compares with PyTorch's log-probs (1e-4). */
    @ParameterizedTest
    @MethodSource("io.github.mubench.tensor.fixtures.Fixture#all")
    void tokenLogprobsMatchPyTorch(String name) {
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
        List<LogLikelihood.Result> results = new LogLikelihood(new Llama(f.checkpoint()), 2).score(requests);
        for (int b = 0; b < tokens.length; b++) {
            double[] lp = results.get(b).tokenLogprobs();
            double sum = 0;
            for (int i = 0; i < lp.length; i++) {
                double want = expected.getDouble(b, firstLabelled.get(b) + i);
                assertEquals(want, lp[i], 1e-4, name + " row " + b + " token " + i);
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
