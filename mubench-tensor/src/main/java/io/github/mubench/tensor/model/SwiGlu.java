package io.github.mubench.tensor.model;

import java.nio.FloatBuffer;

/**
 * The MLP's gate, {@code silu(gate) ⊙ up}, and its backward on float rows, the rows split between {@link Workers}:
 * the training graph's, computed outside SameDiff. SameDiff M2.1's sigmoid, its backward and the multiplies took about
 * 100 ms of a 56M model's training step at B 4 × T 128 (one thread each, 6–7 ns an element for the backward).
 */
public final class SwiGlu {
    private SwiGlu() {
    }

    /** {@code out = silu(gate) ⊙ up}, each {@code rows × width} row-major. */
    public static void forward(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int rows, int width) {
        Loops loops = Loops.best();
        float[][] scratch = new float[Workers.threads()][2 * width];
        Workers.split(rows, Workers.threads(), (part, from, to) -> {
            float[] row = scratch[part];
            for (int r = from; r < to; r++) {
                gate.get(r * width, row, 0, width);
                up.get(r * width, row, width, width);
                loops.siluTimes(row, 0, row, width, width);
                out.put(r * width, row, 0, width);
            }
        });
        Workers.rest(); // the graph's next op is a product on OpenBLAS's threads
    }

    /**
     * Gradients of {@link #forward}'s inputs given {@code dOut}, its output's: with {@code s = σ(gate)},
     * {@code dUp = dOut ⊙ gate ⊙ s} and {@code dGate = dOut ⊙ up ⊙ s ⊙ (1 + gate ⊙ (1 − s))}. {@code dOut} may be
     * {@code dGate}'s memory (each row is read before it is written).
     */
    public static void backward(FloatBuffer gate, FloatBuffer up, FloatBuffer dOut, FloatBuffer dGate, FloatBuffer dUp,
                                int rows, int width) {
        Loops loops = Loops.best();
        float[][] scratch = new float[Workers.threads()][3 * width];
        Workers.split(rows, Workers.threads(), (part, from, to) -> {
            float[] row = scratch[part];
            for (int r = from; r < to; r++) {
                gate.get(r * width, row, 0, width);
                up.get(r * width, row, width, width);
                dOut.get(r * width, row, 2 * width, width);
                loops.siluTimesBackward(row, width);
                dGate.put(r * width, row, 0, width);
                dUp.put(r * width, row, width, width);
            }
        });
        Workers.rest();
    }
}
