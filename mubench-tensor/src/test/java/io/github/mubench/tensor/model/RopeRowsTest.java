package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Rope#rotateRows} (the training graph's RoPE outside SameDiff) against {@link Rope#apply} (ND4J slices, the
 * path checked against PyTorch by {@code LlamaGoldenTest}), and its transpose as the rotation's inverse.
 */
class RopeRowsTest {
    private static final int BATCH = 2, TIME = 5, HEADS = 3, HEAD_DIM = 8;

    @Test
    void rotatesEveryHeadAsTheNd4jPathDoes() {
        float[] x = random(BATCH * TIME * HEADS * HEAD_DIM);
        INDArray[] tables = tables();
        // [B, heads, T, hd] for Rope.apply; rows of [B·T, heads·hd] for rotateRows
        INDArray expected = Rope.apply(Nd4j.create(x, new long[]{BATCH, TIME, HEADS, HEAD_DIM}, 'c').permute(0, 2, 1, 3),
                tables[0], tables[1]).permute(0, 2, 1, 3).dup('c');
        FloatBuffer rows = FloatBuffer.wrap(x.clone());
        Rope.rotateRows(rows, BATCH * TIME, HEADS * HEAD_DIM, HEAD_DIM, tables[0].data().asFloat(), tables[1].data().asFloat(),
                HEAD_DIM, false);
        float[] want = expected.data().asFloat();
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], rows.get(i), 0f, "element " + i);
        }
    }

    @Test
    void readsTheAnglesOfWiderTableRows() {
        // the training graph passes its per-head tables, [B·T, kvHeads·hd]: each row's first hd / 2 columns are read
        float[] x = random(BATCH * TIME * HEADS * HEAD_DIM);
        INDArray[] tables = tables();
        float[] cos = tables[0].data().asFloat(), sin = tables[1].data().asFloat();
        int wide = 3 * HEAD_DIM;
        float[] wideCos = new float[BATCH * TIME * wide], wideSin = new float[wideCos.length];
        java.util.Arrays.fill(wideCos, Float.NaN); // columns past a head must not be read
        java.util.Arrays.fill(wideSin, Float.NaN);
        for (int r = 0; r < BATCH * TIME; r++) {
            System.arraycopy(cos, r * HEAD_DIM, wideCos, r * wide, HEAD_DIM / 2);
            System.arraycopy(sin, r * HEAD_DIM, wideSin, r * wide, HEAD_DIM / 2);
        }
        FloatBuffer narrow = FloatBuffer.wrap(x.clone()), widely = FloatBuffer.wrap(x.clone());
        Rope.rotateRows(narrow, BATCH * TIME, HEADS * HEAD_DIM, HEAD_DIM, cos, sin, HEAD_DIM, false);
        Rope.rotateRows(widely, BATCH * TIME, HEADS * HEAD_DIM, HEAD_DIM, wideCos, wideSin, wide, false);
        for (int i = 0; i < x.length; i++) {
            assertEquals(narrow.get(i), widely.get(i), 0f, "element " + i);
        }
    }

    @Test
    void theTransposedRotationUndoesIt() {
        float[] x = random(BATCH * TIME * HEADS * HEAD_DIM);
        INDArray[] tables = tables();
        float[] cos = tables[0].data().asFloat(), sin = tables[1].data().asFloat();
        FloatBuffer rows = FloatBuffer.wrap(x.clone());
        Rope.rotateRows(rows, BATCH * TIME, HEADS * HEAD_DIM, HEAD_DIM, cos, sin, HEAD_DIM, false);
        Rope.rotateRows(rows, BATCH * TIME, HEADS * HEAD_DIM, HEAD_DIM, cos, sin, HEAD_DIM, true);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], rows.get(i), 1e-5f, "element " + i);
        }
    }

    /** cos and sin {@code [B, 1, T, hd]} for positions 0..T-1, the second row shifted by 3. */
    private static INDArray[] tables() {
        LlamaConfig c = new LlamaConfig("llama", 16, HEADS * HEAD_DIM, 32, 1, HEADS, HEADS, HEAD_DIM, 1e-5, 10000.0, null, 64,
                false, false, null, 1, java.util.List.of(2));
        int[][] positions = new int[BATCH][TIME];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < TIME; t++) {
                positions[b][t] = t + 3 * b;
            }
        }
        return new Rope(c).tables(positions);
    }

    private static float[] random(int n) {
        SplittableRandom random = new SplittableRandom(3);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-2, 2);
        }
        return a;
    }
}
