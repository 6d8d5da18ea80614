package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    private static final LoadedModel M = Models.stories260K();
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Max went to the", "The cat");

    private static List<int[]> encoded() {
        return PROMPTS.stream().map(p -> M.tokenizer().encode(p, true)).toList();
    }

    @Test
    void leftPaddedBatchGivesTheSameGreedyTokensAsOneByOne() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        GenerationConfig cfg = GenerationConfig.greedy(40);
        List<Generation> batched = g.generateIds(encoded(), cfg, null);
        for (int i = 0; i < PROMPTS.size(); i++) {
            Generation alone = g.generateIds(List.of(encoded().get(i)), cfg, null).get(0);
            assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "prompt " + i);
            assertEquals(alone.text(), batched.get(i).text());
        }
    }

    @Test
    void sameSeedSameTextAndSeedMatters() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        GenerationConfig cfg = GenerationConfig.greedy(40).withTemperature(1.0).withTopK(40).withTopP(0.95);
        String a = g.generate("Lily", cfg.withSeed(7), null).text();
        String b = g.generate("Lily", cfg.withSeed(7), null).text();
        String c = g.generate("Lily", cfg.withSeed(8), null).text();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void sampledRowsDoNotDependOnTheirBatch() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        GenerationConfig cfg = GenerationConfig.greedy(30).withTemperature(0.9).withSeed(11);
        List<Generation> batched = g.generateIds(encoded(), cfg, null);
        Generation alone = g.generateIds(List.of(encoded().get(1)), cfg, null).get(0);
        assertArrayEquals(alone.tokens(), batched.get(1).tokens());
    }

    @Test
    void stopStringCutsTheTextAndEndsTheRow() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        Generation gen = g.generate("Once upon a time", GenerationConfig.greedy(100).withStopStrings(List.of("Lily")), null);
        assertEquals(Generation.Finish.STOP_STRING, gen.finish());
        assertEquals(", there was a little girl named ", gen.text());
    }

    @Test
    void maxNewTokensBoundsTheOutput() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        Generation gen = g.generate("Once upon a time", GenerationConfig.greedy(5), null);
        assertEquals(5, gen.tokens().length);
        assertEquals(Generation.Finish.LENGTH, gen.finish());
    }

    @Test
    void streamingDeltasConcatenateToTheFinalText() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        StringBuilder streamed = new StringBuilder();
        List<Integer> rows = new ArrayList<>();
        Generation gen = g.generate("The cat", GenerationConfig.greedy(30), (row, token, delta) -> {
            streamed.append(delta);
            rows.add(row);
        });
        assertEquals(gen.text(), streamed.toString());
        assertFalse(rows.isEmpty());
        assertTrue(rows.stream().allMatch(r -> r == 0));
    }

    @Test
    void eosEndsARowWhenTheModelEmitsIt() {
        // Greedy from BOS starts 403 407 261 378 432 383 286 261 376 (llama2.c's expected ids); declaring 376 an
        // end-of-sequence id must end the row right after it.
        var ckpt = M.checkpoint();
        var ends = new io.github.mubench.tensor.model.Checkpoint(ckpt.config().withEosTokenIds(List.of(376)), ckpt.weights());
        Generator g = new Generator(new io.github.mubench.tensor.model.Llama(ends), M.tokenizer());
        Generation gen = g.generateIds(List.of(new int[]{1}), GenerationConfig.greedy(50), null).get(0);
        assertEquals(Generation.Finish.EOS, gen.finish());
        assertArrayEquals(new int[]{403, 407, 261, 378, 432, 383, 286, 261, 376}, gen.tokens());
    }

    @Test
    void rowsWithTheirOwnConfigsGiveWhatEachGivesAlone() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        List<GenerationConfig> configs = List.of(GenerationConfig.greedy(7),
                GenerationConfig.greedy(25).withTemperature(0.8).withTopP(0.9).withSeed(3),
                GenerationConfig.greedy(40).withStopStrings(List.of("Lily")).withLogprobs(2));
        List<Integer> finishedRows = new ArrayList<>();
        List<Generation> batched = g.generateIds(encoded(), configs, new TokenListener() {
            @Override
            public void onToken(int row, int token, String delta) {
            }

            @Override
            public void onFinish(int row, Generation generation) {
                finishedRows.add(row);
            }
        });
        for (int i = 0; i < PROMPTS.size(); i++) {
            Generation alone = g.generateIds(List.of(encoded().get(i)), configs.get(i), null).get(0);
            assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "prompt " + i);
            assertEquals(alone.text(), batched.get(i).text());
            assertEquals(alone.finish(), batched.get(i).finish());
        }
        assertEquals(7, batched.get(0).tokens().length);
        assertEquals(0, finishedRows.get(0), "the 7-token row is reported first, before the batch ends");
        assertEquals(3, finishedRows.size());
    }

    @Test
    void logprobsOfGeneratedAndPromptTokensAreTheScorersLogLikelihoods() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        int[] prompt = encoded().get(1);
        Generation gen = g.generateIds(List.of(prompt), List.of(GenerationConfig.greedy(6).withLogprobs(3).withEchoLogprobs(true)), null).get(0);
        assertEquals(6, gen.logprobs().size());
        assertEquals(prompt.length - 1, gen.promptLogprobs().size());
        for (TokenLogprob t : gen.logprobs()) {
            assertEquals(t.token(), t.topTokens()[0], "greedy picks the most likely token");
            assertEquals(t.logprob(), t.topLogprobs()[0], 0);
            assertTrue(t.topLogprobs()[0] >= t.topLogprobs()[1] && t.topLogprobs()[1] >= t.topLogprobs()[2]);
        }
        // the same numbers from the lm-eval scorer: the prompt given its first token, the output given the prompt
        var scorer = new io.github.mubench.tensor.score.LogLikelihood(M.inference(), 2);
        var scores = scorer.score(List.of(
                new io.github.mubench.tensor.score.LogLikelihood.Request(new int[]{prompt[0]}, java.util.Arrays.copyOfRange(prompt, 1, prompt.length)),
                new io.github.mubench.tensor.score.LogLikelihood.Request(prompt, gen.tokens())));
        for (int i = 0; i < prompt.length - 1; i++) {
            assertEquals(prompt[i + 1], gen.promptLogprobs().get(i).token());
            assertEquals(scores.get(0).tokenLogprobs()[i], gen.promptLogprobs().get(i).logprob(), 1e-5, "prompt token " + (i + 1));
        }
        for (int i = 0; i < gen.tokens().length; i++) {
            assertEquals(scores.get(1).tokenLogprobs()[i], gen.logprobs().get(i).logprob(), 1e-5, "generated token " + i);
        }
        Generation scoreOnly = g.generateIds(List.of(prompt), List.of(GenerationConfig.greedy(0).withEchoLogprobs(true)), null).get(0);
        assertEquals(0, scoreOnly.tokens().length);
        assertEquals(gen.promptLogprobs().get(2).logprob(), scoreOnly.promptLogprobs().get(2).logprob(), 1e-6);
        assertEquals(0, scoreOnly.promptLogprobs().get(2).topTokens().length);
    }

    @Test
    void aCancelledRowStopsAndTheOthersGoOn() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        List<Generation> out = g.generateIds(encoded(), java.util.Collections.nCopies(3, GenerationConfig.greedy(20).withStopAtEos(false)),
                new TokenListener() {
                    int steps;

                    @Override
                    public void onToken(int row, int token, String delta) {
                        steps += row == 1 ? 1 : 0;
                    }

                    @Override
                    public boolean cancelled(int row) {
                        return row == 1 && steps >= 4;
                    }
                });
        assertEquals(Generation.Finish.CANCELLED, out.get(1).finish());
        assertTrue(out.get(1).tokens().length < 20);
        assertEquals(20, out.get(0).tokens().length);
    }

    @Test
    void streamedTextNeverIncludesWhatAStopStringCutsAway() {
        Generator g = new Generator(M.inference(), M.tokenizer());
        for (String stop : List.of("Lily", "girl named", "e")) {
            StringBuilder streamed = new StringBuilder();
            Generation gen = g.generate("Once upon a time", GenerationConfig.greedy(100).withStopStrings(List.of(stop)),
                    (row, token, delta) -> streamed.append(delta));
            assertEquals(Generation.Finish.STOP_STRING, gen.finish(), stop);
            assertEquals(gen.text(), streamed.toString(), "stop " + stop);
        }
    }

    @Test
    void topAlternativesAreTheLargestLogitsFirstIndexFirstOnTies() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[1 + random.nextInt(40)];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = random.nextInt(6); // many ties
            }
            int k = random.nextInt(8);
            TokenLogprob t = TokenLogprob.of(logits, 0, k);
            Integer[] order = new Integer[logits.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
            int[] expected = java.util.Arrays.stream(order).limit(Math.min(k, logits.length)).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, t.topTokens(), "trial " + trial);
        }
    }
}
