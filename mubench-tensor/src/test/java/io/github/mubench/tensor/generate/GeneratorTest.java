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
}
