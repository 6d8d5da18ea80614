package io.github.mubench.tensor.model;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bundled stories260K against llama2.c's own expectations (its {@code test_all.py}: 200 greedy tokens from BOS)
 * and a NumPy re-implementation's first-step logits. Independent references: llama2.c's C code and NumPy.
 */
class Stories260KGoldenTest {
    private static final LoadedModel MODEL = Models.stories260K();

    @Test
    void greedy200TokensFromBosMatchLlama2c() throws IOException {
        int[] expected = Arrays.stream(read("expected_greedy_n200_token_ids.txt").trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
        Generator gen = new Generator(MODEL.inference(), MODEL.tokenizer());
        // llama2.c's run loop does not stop at EOS; it stops at BOS, which this model never emits here.
        Generation g = gen.generateIds(List.of(new int[]{1}), GenerationConfig.greedy(200).withStopAtEos(false), null).get(0);

        assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length), g.tokens());
        assertEquals(read("expected_greedy_n200.txt"), g.text());
    }

    @Test
    void firstStepTop5LogitsWithin1e4() throws IOException {
        LanguageModel llama = MODEL.inference();
        INDArray logits = llama.forward(new int[][]{{1}}, new boolean[][]{{true}}, llama.newCache(1, 1), true);
        float[] row = logits.getRow(0).toFloatVector();
        for (String line : read("expected_first_step_top5_logits.txt").trim().split("\n")) {
            String[] f = line.trim().split("\\s+");
            assertEquals(Float.parseFloat(f[1]), row[Integer.parseInt(f[0])], 1e-4, "logit of token " + f[0]);
        }
    }

    @Test
    void encodesPromptsLikeLlama2c() {
        // llama2.c's sentencepiece-style encoding: dummy-prefix space, then highest-score merges.
        int[] ids = MODEL.tokenizer().encode("Once upon a time", true);
        assertEquals(1, ids[0]);
        assertEquals(403, ids[1], "' Once' is one token in tok512");
        assertEquals("Once upon a time", MODEL.tokenizer().decode(ids, true));
    }

    private static String read(String name) throws IOException {
        try (InputStream in = Stories260KGoldenTest.class.getResourceAsStream("/stories260K/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
