package io.github.mubench.bench;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.tensor.score.LogLikelihood;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inference speed of one model shape, as JSON lines: greedy decoding at batch 1 (ms/token) and larger batches (ms/step, tok/s),
 * and three forward passes over 8 rows of 256 tokens (tokens/s, and GFLOP/s of the products each needs): generation's
 * prefill, scoring of MMLU-shaped items through {@link LogLikelihood}, and every position's logits; after an unreported
 * warm-up (twice: the three passes, then passes of {@value #WARM_UP_TOKENS} new tokens for at least {@value #WARM_UP_SECONDS} s at each batch size); with {@code --export FILE} the same random weights are
 * first written in llama2.c's format for the peer run. The kernel is the process's ({@code -Dmubench.cpu.kernels}).
 * First the limits ({@link Roofline}), and (with the default kernel) for each batch size above 1 OpenBLAS's speed on
 * the shape's products at that many rows (the BLAS reference for batched decoding).
 * <p>
 * Usage: {@code DecodeHarness SHAPE [new_tokens=256] [repeats=3] [--batches 1,16] [--export FILE]}; SHAPE is
 * {@code stories260K} or a
 * {@link BenchConfigs#byName} name.
 */
public final class DecodeHarness {
    private DecodeHarness() {
    }

    public static void main(String[] args) throws Exception {
        String shape = args[0];
        int newTokens = args.length > 1 ? Integer.parseInt(args[1]) : 256, repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Checkpoint ckpt = shape.equals("stories260K") ? Models.stories260K().checkpoint()
                : new Checkpoint(BenchConfigs.byName(shape), RandomWeights.of(BenchConfigs.byName(shape), 0));
        int export = Arrays.asList(args).indexOf("--export");
        if (export >= 0) {
            Path file = Path.of(args[export + 1]);
            Llama2cCheckpoint.save(ckpt, file);
            writeTokenizer(file.resolveSibling(file.getFileName() + ".tok"), ckpt.config().vocabSize());
        }
        LlamaConfig c = ckpt.config();
        LanguageModel model = Kernels.inference(ckpt);
        String kernel = model.getClass().getSimpleName();
        long params = ckpt.weights().names().stream().mapToLong(n -> java.util.Arrays.stream(ckpt.weights().shape(n)).reduce(1, (a, b) -> a * b)).sum();
        // FLOPs per token: 2 per weight that multiplies; an untied input embedding is only looked up.
        long matmulParams = params - (c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * c.hiddenSize());
        Generator gen = new Generator(model, null);
        GenerationConfig greedy = GenerationConfig.greedy(newTokens).withStopAtEos(false);
        System.out.printf("{\"event\":\"roofline\",\"shape\":\"%s\",\"kernel\":\"%s\",\"gemm_gflops\":%.1f,\"read_gbps\":%.1f,"
                + "\"weight_mib\":%.0f}%n", shape, kernel, Roofline.gemmGflops(2048), Roofline.readGBps(1024), 4.0 * matmulParams / (1 << 20));
        int flag = Arrays.asList(args).indexOf("--batches");
        int[] batches = flag < 0 ? new int[]{1, 16} : Arrays.stream(args[flag + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        for (int batch : batches) {
            if (batch > 1 && kernel.equals("BlasLlama")) { // the ND4J-ops path's runs are for batch 1
                System.out.printf("{\"event\":\"blas_rows\",\"shape\":\"%s\",\"kernel\":\"%s\",\"batch\":%d,\"gflops\":%.1f}%n",
                        shape, kernel, batch, Roofline.blasRowsGflops(c, batch));
            }
        }
        int len = Math.min(256, c.maxPositionEmbeddings());
        int[][] tokens = new int[8][len];
        boolean[][] valid = new boolean[8][len];
        for (int b = 0; b < 8; b++) {
            for (int t = 0; t < len; t++) {
                tokens[b][t] = 1 + (b * 31 + t * 7) % (c.vocabSize() - 1);
                valid[b][t] = true;
            }
        }
        // three passes over the same 8 × len tokens: generation's prefill (the last position's logits), scoring of
        // MMLU-shaped items (a context and a one-token answer: the logits that predict it) and every position's logits
        // (rolling perplexity, and what scoring computed before forwardLast)
        Runnable prefill = () -> model.forward(tokens, valid, model.newCache(8, len), true);
        LogLikelihood scorer = new LogLikelihood(model, 8);
        List<LogLikelihood.Request> items = new ArrayList<>();
        for (int[] row : tokens) {
            items.add(new LogLikelihood.Request(Arrays.copyOf(row, len), new int[]{row[0]}));
        }
        Runnable score = () -> scorer.score(items);
        Runnable allLogits = () -> model.forward(tokens, valid, model.newCache(8, len), false);
        // FLOPs of the work each pass needs: the layers on every token, the LM head where logits are asked for
        long headParams = (long) c.vocabSize() * c.hiddenSize(), layerParams = matmulParams - headParams;
        double lastRowFlops = 2.0 * (8L * len * layerParams + 8 * headParams); // prefill and score: one LM-head row a row
        // warm-up, not reported: the JIT compiles the Vector API code in the first seconds, and a prefill (branches
        // decoding never takes) sends the decoding code back to be compiled again; twice, so that the measured
        // repeats, which alternate decoding and prefill as an evaluation does, run code compiled for both
        for (int pass = 0; pass < 2; pass++) {
            prefill.run();
            score.run();
            allLogits.run();
            for (int batch : batches) {
                long start = System.nanoTime();
                do {
                    gen.generateIds(prompts(batch, c), GenerationConfig.greedy(WARM_UP_TOKENS).withStopAtEos(false));
                } while (System.nanoTime() - start < WARM_UP_SECONDS * 1_000_000_000L);
            }
        }
        for (int r = 0; r < repeats; r++) {
            for (int batch : batches) {
                List<int[]> prompts = prompts(batch, c);
                double time = seconds(() -> gen.generateIds(prompts, greedy));
                // keys and values a step reads: each row's cache of every layer, prompt + (newTokens - 1) / 2 slots on average
                double kvMiB = 2.0 * Float.BYTES * batch * c.numLayers() * c.numKvHeads() * c.headDim()
                        * (prompts.get(0).length + (newTokens - 1) / 2.0) / (1 << 20);
                System.out.printf("{\"event\":\"decode\",\"shape\":\"%s\",\"kernel\":\"%s\",\"params\":%d,\"batch\":%d,"
                                + "\"ms_per_step\":%.3f,\"ms_per_token\":%.3f,\"tokens_per_s\":%.1f,\"gflops\":%.1f,\"kv_mib_per_step\":%.1f,"
                                + "\"rss_mib\":%.0f}%n",
                        shape, kernel, params, batch, 1000 * time / newTokens, 1000 * time / newTokens / batch,
                        batch * newTokens / time, batch * newTokens * 2.0 * matmulParams / time / 1e9, kvMiB, Meters.rssMiB());
            }
            pass("prefill", shape, kernel, len, seconds(prefill), lastRowFlops);
            // an item's input is its context and answer but the answer's last token: len tokens, the answer predicted at the last
            pass("score", shape, kernel, len, seconds(score), lastRowFlops);
            pass("all_logits", shape, kernel, len, seconds(allLogits), 2.0 * 8L * len * matmulParams);
            System.gc();
        }
    }

    /** New tokens per row of an unreported warm-up pass. */
    static final int WARM_UP_TOKENS = 32;

    /**
     * Warm-up passes at each batch size are repeated for at least this long, after a prefill, and all of it twice: on a
     * 2-core Zen 3 VM the JIT took several seconds to compile the Vector API code, and with one 32-token pass the first
     * two of four stories260K repeats at batch 64 ran at 5.3–5.4 ms a step, the last two at 2.9; the first prefill made
     * the JIT drop and recompile the decoding methods (the repeat after it: 6.1 ms, the next 3.0). With one prefill
     * before the decoding warm-up, the first measured prefill still did (the decoding repeat after it 6.8 ms twice,
     * against 1.5–3.7 for the others; with the second round of warm-up 4.2 and 2.5).
     */
    static final int WARM_UP_SECONDS = 5;

    /** {@code batch} prompts: one token at batch 1, else two, the second differing between rows. */
    private static List<int[]> prompts(int batch, LlamaConfig c) {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            prompts.add(batch == 1 ? new int[]{1} : new int[]{1, 2 + i % (c.vocabSize() - 2)});
        }
        return prompts;
    }

    /** A llama2.c {@code tokenizer.bin} of {@code vocab} placeholder pieces: run.c needs one entry per id to print. */
    private static void writeTokenizer(Path file, int vocab) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.write(b.putInt(0, 16).array(), 0, 4);
        for (int i = 0; i < vocab; i++) {
            byte[] piece = ("<" + i + ">").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.clear();
            b.putFloat(0f).putInt(piece.length);
            out.write(b.array(), 0, 8);
            out.write(piece);
        }
        java.nio.file.Files.write(file, out.toByteArray());
    }

    /** A JSON line for a forward pass over 8 rows of {@code len} tokens that took {@code time} s and needed {@code flops}. */
    private static void pass(String event, String shape, String kernel, int len, double time, double flops) {
        System.out.printf("{\"event\":\"%s\",\"shape\":\"%s\",\"kernel\":\"%s\",\"batch\":8,\"length\":%d,\"tokens_per_s\":%.1f,"
                + "\"gflops\":%.1f}%n", event, shape, kernel, len, 8 * len / time, flops / time / 1e9);
    }

    private static double seconds(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }
}
