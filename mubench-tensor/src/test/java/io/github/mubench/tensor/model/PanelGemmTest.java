package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PanelGemm} against products summed in double: widths that end inside a panel, depths of 1 and odd sizes,
 * several tiles of rows, and a product large enough to be split between {@link Workers}.
 */
class PanelGemmTest {
    private static float[] random(int length, SplittableRandom random) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    /** Checks {@code out} (stride ldOut) against {@code in · wᵀ} in double, to float rounding of k terms. */
    private static void check(float[] in, int rows, float[] w, int n, int k, float[] out, int ldOut) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double want = 0, scale = 0;
                for (int i = 0; i < k; i++) {
                    want += (double) in[r * k + i] * w[j * k + i];
                    scale += Math.abs((double) in[r * k + i] * w[j * k + i]);
                }
                assertEquals(want, out[r * ldOut + j], 1e-6 * scale + 1e-30, "row " + r + ", column " + j + " of [" + n + ", " + k + "]");
            }
        }
    }

    @Test
    void productsOfPackedMatricesEqualSumsInDouble() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {{1, 1}, {5, 3}, {37, 64}, {100, 173}, {2 * PanelGemm.WIDTH, 8}, {PanelGemm.WIDTH + 1, 1408}};
        for (int[] shape : shapes) {
            int n = shape[0], k = shape[1], width = PanelGemm.panels(n) * PanelGemm.WIDTH;
            float[] w = random(n * k, random), panels = new float[(int) PanelGemm.packedLength(n, k)];
            PanelGemm.pack(FloatBuffer.wrap(w), n, k, panels, 0);
            for (int rows : new int[]{PanelGemm.TILE_ROWS, 3 * PanelGemm.TILE_ROWS}) {
                float[] in = random(rows * k, random), out = new float[rows * width];
                PanelGemm.multiply(in, rows, k, panels, n, out, width);
                check(in, rows, w, n, k, out, width);
            }
        }
    }

    @Test
    void matricesPackedOneAfterAnotherMultiplyAsTheirRowsStacked() {
        SplittableRandom random = new SplittableRandom(17);
        int k = 96, rows = 2 * PanelGemm.TILE_ROWS;
        int[] parts = {PanelGemm.WIDTH + 5, 7, 2 * PanelGemm.WIDTH}; // the second and third start inside a panel
        int n = parts[0] + parts[1] + parts[2], width = PanelGemm.panels(n) * PanelGemm.WIDTH;
        float[] stacked = random(n * k, random), panels = new float[(int) PanelGemm.packedLength(n, k)];
        for (int first = 0, part = 0; part < parts.length; first += parts[part++]) {
            PanelGemm.pack(FloatBuffer.wrap(stacked, first * k, parts[part] * k).slice(), parts[part], k, panels, first);
        }
        float[] in = random(rows * k, random), out = new float[rows * width];
        PanelGemm.multiply(in, rows, k, panels, n, out, width);
        check(in, rows, stacked, n, k, out, width);
    }

    @Test
    void aProductSplitBetweenWorkersEqualsSumsInDouble() {
        SplittableRandom random = new SplittableRandom(13);
        int rows = 2 * PanelGemm.TILE_ROWS, n = 517, k = 512, width = PanelGemm.panels(n) * PanelGemm.WIDTH;
        assertEquals(true, (long) rows * width * k >= PanelGemm.PARALLEL_MACS, "large enough to be split");
        float[] w = random(n * k, random), in = random(rows * k, random), panels = new float[(int) PanelGemm.packedLength(n, k)];
        PanelGemm.pack(FloatBuffer.wrap(w), n, k, panels, 0);
        float[] out = new float[rows * width];
        PanelGemm.multiply(in, rows, k, panels, n, out, width);
        check(in, rows, w, n, k, out, width);
    }
}
