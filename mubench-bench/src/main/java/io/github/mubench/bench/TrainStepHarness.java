package io.github.mubench.bench;

import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.unlearn.optim.AdamW;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peer harness: full training steps (forward, backward, AdamW update) of the 56M-parameter Llama at B 4, T 128 —
 * the same work as {@code tools/peer_pytorch.py train}. Prints one JSON line per step (seconds, RSS, peak RSS) so
 * a run shows both speed and whether memory stays flat.
 * <p>
 * Usage: {@code TrainStepHarness [steps=20] [batch=4] [time=128] [gc]} ({@code gc}: collect garbage after each
 * step, timed as part of it).
 */
public final class TrainStepHarness {
    private TrainStepHarness() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int time = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        boolean gcEveryStep = args.length > 3 && args[3].equals("gc");
        LlamaConfig c = BenchConfigs.llama56M();
        long t0 = System.nanoTime();
        Trainer trainer = new Trainer(c, batch, time);
        System.out.printf("{\"event\":\"built\",\"seconds\":%.3f,\"params\":%d}%n", (System.nanoTime() - t0) / 1e9, c.parameterCount());
        for (int step = 0; step < steps; step++) {
            double seconds = trainer.step(gcEveryStep);
            System.out.printf("{\"event\":\"step\",\"step\":%d,\"seconds\":%.3f,\"rss_mib\":%.0f,\"peak_rss_mib\":%.0f,"
                            + "\"java_heap_mib\":%.0f,\"javacpp_mib\":%.0f}%n",
                    step, seconds, Meters.rssMiB(), Meters.peakRssMiB(), Runtime.getRuntime().totalMemory() / 1048576.0,
                    org.bytedeco.javacpp.Pointer.physicalBytes() / 1048576.0);
        }
    }

    /**
     * Training steps of one model on random token batches (labels: the next token), seeded, so that two builds given
     * the same arguments do the same work ({@link BuildCompare}).
     */
    public static final class Trainer {
        private final LlamaGraph graph;
        private final int batch, time, vocab;
        private final boolean[][] valid;
        private final SplittableRandom random = new SplittableRandom(0);
        private final AdamW optimizer = AdamW.lr(1e-3);

        /** A graph of {@code config} with random weights (seed 0), every parameter trainable, for batches {@code [batch, time]}. */
        public Trainer(LlamaConfig config, int batch, int time) {
            this.graph = new LlamaGraph(config, RandomWeights.of(config, 0), batch, time, n -> true);
            this.batch = batch;
            this.time = time;
            this.vocab = config.vocabSize();
            this.valid = new boolean[batch][time];
            for (boolean[] row : valid) {
                Arrays.fill(row, true);
            }
        }

        /** A {@link BenchConfigs#byName} shape's model at B {@code batch} × T 128 (for {@link BuildCompare}). */
        public Trainer(String shape, int batch) {
            this(BenchConfigs.byName(shape), batch, 128);
        }

        /**
         * One step: feed, gradients, AdamW update (PyTorch's defaults at learning rate 1e-3; the gradients closed once
         * used, as PyTorch frees them), and when {@code gc} a garbage collection, which
         * frees the step's dead off-heap intermediates (see LlamaGraph); its seconds, the batch's making not counted.
         */
        public double step(boolean gc) {
            int[][] tokens = new int[batch][time];
            int[][] labels = new int[batch][time];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < time; t++) {
                    tokens[b][t] = random.nextInt(vocab);
                }
                for (int t = 0; t < time; t++) {
                    labels[b][t] = t + 1 < time ? tokens[b][t + 1] : -100;
                }
            }
            long start = System.nanoTime();
            Map<String, INDArray> grads = graph.gradients(graph.feed(tokens, valid, labels));
            optimizer.step(graph.parameters(), grads, 1e-3);
            grads.values().forEach(INDArray::close);
            if (gc) {
                System.gc();
            }
            return (System.nanoTime() - start) / 1e9;
        }

        /** Milliseconds a step over {@code steps} steps, each with a garbage collection. */
        public double msPerStep(int steps) {
            double seconds = 0;
            for (int i = 0; i < steps; i++) {
                seconds += step(true);
            }
            return seconds * 1000 / steps;
        }
    }
}
