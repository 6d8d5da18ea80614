package io.github.mubench.bench;

import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peer harness: full training steps (forward, backward, SGD update) of the 56M-parameter Llama at B 4, T 128 —
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
        LlamaGraph g = new LlamaGraph(c, RandomWeights.of(c, 0), batch, time, n -> true);
        System.out.printf("{\"event\":\"built\",\"seconds\":%.3f,\"params\":%d}%n", (System.nanoTime() - t0) / 1e9, c.parameterCount());
        SplittableRandom rnd = new SplittableRandom(0);
        boolean[][] valid = new boolean[batch][time];
        for (boolean[] row : valid) {
            Arrays.fill(row, true);
        }
        for (int step = 0; step < steps; step++) {
            int[][] tokens = new int[batch][time];
            int[][] labels = new int[batch][time];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < time; t++) {
                    tokens[b][t] = rnd.nextInt(c.vocabSize());
                }
                for (int t = 0; t < time; t++) {
                    labels[b][t] = t + 1 < time ? tokens[b][t + 1] : -100;
                }
            }
            long s = System.nanoTime();
            Map<String, INDArray> feed = g.feed(tokens, valid, labels);
            Map<String, INDArray> grads = g.gradients(feed);
            for (var e : grads.entrySet()) {
                g.parameter(e.getKey()).subi(e.getValue().muli(1e-3));
            }
            if (gcEveryStep) {
                System.gc(); // frees the step's dead off-heap intermediates (see LlamaGraph)
            }
            double seconds = (System.nanoTime() - s) / 1e9;
            System.out.printf("{\"event\":\"step\",\"step\":%d,\"seconds\":%.3f,\"rss_mib\":%.0f,\"peak_rss_mib\":%.0f,"
                            + "\"java_heap_mib\":%.0f,\"javacpp_mib\":%.0f}%n",
                    step, seconds, Meters.rssMiB(), Meters.peakRssMiB(), Runtime.getRuntime().totalMemory() / 1048576.0,
                    org.bytedeco.javacpp.Pointer.physicalBytes() / 1048576.0);
        }
    }
}
