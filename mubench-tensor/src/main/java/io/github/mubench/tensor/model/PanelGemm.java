package io.github.mubench.tensor.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * {@code out = in · Wᵀ} on the Vector API for a weight {@code W [n, k]} packed in column panels: panel {@code p} holds
 * output columns {@code [p·WIDTH, (p+1)·WIDTH)} as {@code [k][WIDTH]}, so a product reads each weight once per
 * {@value #TILE_ROWS} input rows, broadcasts one input element at a time and keeps its {@value #TILE_ROWS} × 2 vectors of
 * outputs in registers with no horizontal sums. Measured here (one core, 16 rows, a 56M model's shapes) it ran at
 * 190–225 GFLOP/s where OpenBLAS's GEMM ran at 80–100 (the OpenBLAS that ND4J bundles multiplies with 256-bit vectors
 * on this AVX-512 machine), and it gives way to OpenBLAS's blocked GEMM only at hundreds of rows. Only loaded where
 * {@link Loops#simdAvailable()}.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /** Output columns per panel: two vectors. */
    static final int WIDTH = 2 * LANES;
    /**
     * Input rows per register tile: 8 rows × 2 vectors of sums, 2 of weights and a broadcast fit AVX-512's 32 registers
     * (AVX2 has 16, where the tile spills; not measured on such a machine).
     */
    static final int TILE_ROWS = 8;
    /**
     * Multiply-adds from which a product is split between {@link Workers}: about 30 µs of work, which a spinning helper
     * takes in a microsecond (measured here: stories260K at batch 64 went from 3.8–5.5 to 2.3–3.5 ms a step when its
     * 0.1–0.7 M products were split too; from 2¹⁴ on, no faster).
     */
    static final long PARALLEL_MACS = 1L << 16;

    private PanelGemm() {
    }

    /** Floats a packed {@code [n, k]} matrix takes: n rounded up to whole panels (the extra columns are zeros). */
    static long packedLength(int n, int k) {
        return (long) panels(n) * WIDTH * k;
    }

    /** Panels of an {@code n}-row matrix. */
    static int panels(int n) {
        return (n + WIDTH - 1) / WIDTH;
    }

    /**
     * Rows {@code [0, n)} of the row-major {@code [n, k]} matrix {@code w} packed into {@code panels} (of
     * {@link #packedLength} floats, rows past {@code n} left zero).
     */
    static void pack(FloatBuffer w, int n, int k, float[] panels) {
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            w.get((int) ((long) j * k), row, 0, k);
            packRow(row, 0, j, k, panels);
        }
    }

    /** Row {@code j} of a matrix (its k floats at {@code row[at..)}) into its place in {@code panels}. */
    private static void packRow(float[] row, int at, int j, int k, float[] panels) {
        int base = (j / WIDTH) * WIDTH * k + j % WIDTH;
        for (int i = 0; i < k; i++) {
            panels[base + i * WIDTH] = row[at + i];
        }
    }

    /** {@code rows} rounded up to whole tiles: the rows {@link #multiply} reads and writes. */
    static int paddedRows(int rows) {
        return (rows + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS;
    }

    /**
     * {@code out [rows, panels(n)·WIDTH] = in [rows, k] · Wᵀ} for {@code W [n, k]} packed in {@code panels}:
     * every column of every panel, padding included, with row stride {@code ldOut}; {@code rows} a multiple of
     * {@link #TILE_ROWS} (pad the input with zero rows). The panels are split between {@link Workers} when the
     * product is large.
     */
    static void multiply(float[] in, int rows, int k, float[] panels, int n, float[] out, int ldOut) {
        int count = panels(n);
        int parts = (long) rows * count * WIDTH * k < PARALLEL_MACS ? 1 : Math.min(count, Workers.threads());
        Workers.split(count, parts, (part, first, end) -> multiply(in, rows, k, panels, out, ldOut, first, end));
    }

    /** {@link #multiply} over panels {@code [first, end)} on this thread. */
    private static void multiply(float[] in, int rows, int k, float[] panels, float[] out, int ldOut, int first, int end) {
        for (int p = first; p < end; p++) {
            for (int m = 0; m < rows; m += TILE_ROWS) {
                tile(in, m, k, panels, p, out, ldOut);
            }
        }
    }

    /** Rows {@code [m, m + 8)} of panel {@code p}: 16 vectors of sums, one weight pair and one broadcast per step. */
    private static void tile(float[] in, int m, int k, float[] panels, int p, float[] out, int ldOut) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0,
                a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
        int x0 = m * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k, x6 = x5 + k, x7 = x6 + k;
        int w = p * WIDTH * k;
        for (int i = 0; i < k; i++, w += WIDTH) {
            FloatVector lo = FloatVector.fromArray(F, panels, w), hi = FloatVector.fromArray(F, panels, w + LANES);
            FloatVector x = FloatVector.broadcast(F, in[x0 + i]);
            a0 = lo.fma(x, a0);
            b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, in[x1 + i]);
            a1 = lo.fma(x, a1);
            b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, in[x2 + i]);
            a2 = lo.fma(x, a2);
            b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, in[x3 + i]);
            a3 = lo.fma(x, a3);
            b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, in[x4 + i]);
            a4 = lo.fma(x, a4);
            b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, in[x5 + i]);
            a5 = lo.fma(x, a5);
            b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, in[x6 + i]);
            a6 = lo.fma(x, a6);
            b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, in[x7 + i]);
            a7 = lo.fma(x, a7);
            b7 = hi.fma(x, b7);
        }
        int o = m * ldOut + p * WIDTH;
        store(a0, b0, out, o);
        store(a1, b1, out, o += ldOut);
        store(a2, b2, out, o += ldOut);
        store(a3, b3, out, o += ldOut);
        store(a4, b4, out, o += ldOut);
        store(a5, b5, out, o += ldOut);
        store(a6, b6, out, o += ldOut);
        store(a7, b7, out, o + ldOut);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] out, int at) {
        lo.intoArray(out, at);
        hi.intoArray(out, at + LANES);
    }
}
