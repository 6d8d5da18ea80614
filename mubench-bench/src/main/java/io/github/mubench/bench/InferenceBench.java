package io.github.mubench.bench;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.KvCache;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.tensor.score.LogLikelihood;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Inference by model size, the kernel of the process ({@code -Dmubench.cpu.kernels}): a decoding step at batch 1 and
 * at batch 16 (per step; tok/s = batch / time), a 256-token prefill of 8 rows (per token), and MMLU-shaped scoring
 * (per scored choice: a 256-token context and 4 one-token continuations). Random weights; stories260K is its own.
 * <p>
 * {@code mubench-bench/jmh.sh InferenceBench -p shape=56M}; {@code decode-compare.sh} measures the same against llama2.c.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx8g", "--add-modules=jdk.incubator.vector"})
public class InferenceBench {
    /** Decoding steps per invocation (a fresh cache each time, so the context stays short and the same). */
    private static final int STEPS = 16;
    private static final int PREFILL_ROWS = 8, PREFILL_LENGTH = 256, CHOICES = 4;

    @Param({"stories260K", "56M", "126M", "qwen0.5B"})
    public String shape;

    private LanguageModel model;
    private LlamaConfig c;
    private int[][] prefillTokens;
    private boolean[][] prefillValid;
    private LogLikelihood scorer;
    private List<LogLikelihood.Request> mmlu;

    @Setup
    public void setup() {
        Checkpoint ckpt = shape.equals("stories260K") ? Models.stories260K().checkpoint()
                : new Checkpoint(BenchConfigs.byName(shape), RandomWeights.of(BenchConfigs.byName(shape), 0));
        c = ckpt.config();
        model = Kernels.inference(ckpt);
        int length = Math.min(PREFILL_LENGTH, c.maxPositionEmbeddings());
        prefillTokens = new int[PREFILL_ROWS][length];
        prefillValid = new boolean[PREFILL_ROWS][length];
        for (int b = 0; b < PREFILL_ROWS; b++) {
            for (int t = 0; t < length; t++) {
                prefillTokens[b][t] = token(b * 31 + t * 7);
                prefillValid[b][t] = true;
            }
        }
        scorer = new LogLikelihood(model, CHOICES);
        int[] context = new int[length - 1];
        for (int t = 0; t < context.length; t++) {
            context[t] = token(t * 13);
        }
        mmlu = new ArrayList<>();
        for (int k = 0; k < CHOICES; k++) {
            mmlu.add(new LogLikelihood.Request(context, new int[]{token(100 + k)}));
        }
    }

    private int token(int i) {
        return 1 + Math.floorMod(i, c.vocabSize() - 1);
    }

    private INDArray decode(int batch) {
        KvCache cache = model.newCache(batch, STEPS);
        int[][] tokens = new int[batch][1];
        boolean[][] valid = new boolean[batch][1];
        INDArray logits = null;
        for (int step = 0; step < STEPS; step++) {
            for (int b = 0; b < batch; b++) {
                tokens[b][0] = token(step * 17 + b);
                valid[b][0] = true;
            }
            logits = model.forward(tokens, valid, cache, true);
        }
        return logits;
    }

    /** One decoding step of one sequence (ms/token at batch 1). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public INDArray decodeBatch1() {
        return decode(1);
    }

    /** One decoding step of 16 sequences (ms/step). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public INDArray decodeBatch16() {
        return decode(16);
    }

    /** One prompt token of an 8 × 256 prefill as generation runs it: the last position's logits (ms/token). */
    @Benchmark
    @OperationsPerInvocation(PREFILL_ROWS * PREFILL_LENGTH)
    public INDArray prefill() {
        return model.forward(prefillTokens, prefillValid, model.newCache(PREFILL_ROWS, prefillTokens[0].length), true);
    }

    /** One scored choice of an MMLU-shaped item (ms/choice). */
    @Benchmark
    @OperationsPerInvocation(CHOICES)
    public List<LogLikelihood.Result> scoreChoice() {
        return scorer.score(mmlu);
    }
}
