package io.github.mubench.serve;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatcherTest {
    private static final LoadedModel M = Models.stories260K();

    private static int[] prompt(int tokens) {
        int[] p = new int[tokens];
        p[0] = 1;
        for (int i = 1; i < tokens; i++) {
            p[i] = 260 + i % 200;
        }
        return p;
    }

    @Test
    void rowsThatDoNotFitTheContextTogetherRunInTheNextBatchWithTheirOwnResults() throws Exception {
        try (Batcher b = new Batcher(M.inference(), M.tokenizer(), 16, 16, Duration.ofMillis(50))) {
            GenerationConfig longPromptCfg = GenerationConfig.greedy(10).withStopAtEos(false);
            GenerationConfig longAnswerCfg = GenerationConfig.greedy(200).withStopAtEos(false);
            // 400 + 200 tokens exceed the 512 context: one of them waits for the next batch
            CompletableFuture<Generation> a = b.submit(prompt(400), longPromptCfg, null);
            CompletableFuture<Generation> c = b.submit(prompt(10), longAnswerCfg, null);
            Generator alone = new Generator(M.inference(), M.tokenizer());
            assertArrayEquals(alone.generateIds(List.of(prompt(400)), longPromptCfg).get(0).tokens(), a.get().tokens());
            assertArrayEquals(alone.generateIds(List.of(prompt(10)), longAnswerCfg).get(0).tokens(), c.get().tokens());
            assertEquals(2, b.stats().batches());
            assertThrows(IllegalArgumentException.class, () -> b.submit(prompt(510), longPromptCfg, null));
        }
    }

    @Test
    void aFullQueueRefusesAndEveryAcceptedRowIsAnswered() throws Exception {
        try (Batcher b = new Batcher(M.inference(), M.tokenizer(), 1, 2, Duration.ZERO)) {
            GenerationConfig cfg = GenerationConfig.greedy(300).withStopAtEos(false);
            List<CompletableFuture<Generation>> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 4; i++) {
                try {
                    accepted.add(b.submit(prompt(5), cfg, null));
                } catch (Batcher.OverloadedException e) {
                    refused++;
                }
            }
            assertTrue(refused >= 1, "a queue of 2 takes at most 3 rows while one runs");
            for (CompletableFuture<Generation> f : accepted) {
                assertEquals(300, f.get().tokens().length);
            }
        }
    }
}
