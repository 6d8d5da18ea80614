package io.github.mubench.tensor.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * {@code out = in · Wᵀ} on the Vector API for a weight {@code W [n, k]} packed in groups of {@value #COLUMNS} rows:
 * group {@code g} holds W's rows (the output columns) {@code [g·COLUMNS, (g+1)·COLUMNS)} interleaved as
 * {@code [k][COLUMNS]}, one stream through memory. The input is transposed first, so that a vector holds one input
 * element of {@link #TILE_ROWS} consecutive rows; a register tile then broadcasts each weight once and keeps
 * {@value #COLUMNS} × 2 vectors of sums, two input vectors and the broadcast in registers (15: AVX2 has 16), and one pass
 * over the weights serves all rows of a tile. Measured on a 2-core AVX2 machine at 16 rows (126M shapes, weights
 * streamed from memory): 120–165 GFLOP/s on two cores where the previous layout (the weights in vectors, 8 input
 * rows broadcast, 16 sums, which spill on AVX2) ran at 77–95, and OpenBLAS's GEMM at 150–169 on large square products.
 * Only loaded where {@link Loops#simdAvailable()}.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /** Output columns per group (and per register tile). */
    static final int COLUMNS = 6;
    /** Input rows per register tile: two vectors (16 on AVX2, 32 on AVX-512). */
    static final int TILE_ROWS = 2 * LANES;
    /**
     * Multiply-adds from which a product is split between {@link Workers}: about 30 µs of work, which a spinning helper
     * takes in a microsecond (measured here: stories260K at batch 64 went from 3.8–5.5 to 2.3–3.5 ms a step when its
     * 0.1–0.7 M products were split too; from 2¹⁴ on, no faster).
     */
    static final long PARALLEL_MACS = 1L << 16;

    private PanelGemm() {
    }

    /** Floats a packed {@code [n, k]} matrix takes: n rounded up to whole groups (the extra columns are zeros). */
    static long packedLength(int n, int k) {
        return (long) groups(n) * COLUMNS * k;
    }

    /** Groups of an {@code n}-row matrix. */
    private static int groups(int n) {
        return (n + COLUMNS - 1) / COLUMNS;
    }

    /**
     * Rows {@code [0, n)} of the row-major {@code [n, k]} matrix {@code w} packed into {@code packed} (of
     * {@link #packedLength} floats, rows past {@code n} left zero).
     */
    static void pack(FloatBuffer w, int n, int k, float[] packed) {
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            w.get((int) ((long) j * k), row, 0, k);
            int base = (j / COLUMNS) * COLUMNS * k + j % COLUMNS;
            for (int i = 0; i < k; i++) {
                packed[base + i * COLUMNS] = row[i];
            }
        }
    }

    /** {@code rows} rounded up to whole tiles: the rows of the transposed input. */
    static int paddedRows(int rows) {
        return (rows + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS;
    }

    /**
     * {@code out [rows, n] = in [rows, k] · Wᵀ} for {@code W [n, k]} packed in {@code packed}, {@code in} row-major
     * with row stride k, {@code out} with row stride {@code ldOut}; {@code inT} (at least {@link #paddedRows}·k floats)
     * receives the transposed input. The groups are split between {@link Workers} when the product is large.
     */
    static void multiply(float[] in, int rows, int k, float[] packed, int n, float[] out, int ldOut, float[] inT) {
        int padded = paddedRows(rows);
        for (int r = 0; r < padded; r++) {
            if (r < rows) {
                for (int i = 0, from = r * k; i < k; i++) {
                    inT[i * padded + r] = in[from + i];
                }
            } else {
                for (int i = 0; i < k; i++) {
                    inT[i * padded + r] = 0f;
                }
            }
        }
        int count = groups(n);
        int parts = (long) padded * count * COLUMNS * k < PARALLEL_MACS ? 1 : Math.min(count, Workers.threads());
        Workers.split(count, parts, (part, first, end) -> {
            float[] tile = new float[COLUMNS * TILE_ROWS];
            for (int g = first; g < end; g++) {
                for (int r = 0; r < padded; r += TILE_ROWS) {
                    tile(inT, padded, r, k, packed, g, tile);
                    int columns = Math.min(COLUMNS, n - g * COLUMNS), rowsHere = Math.min(TILE_ROWS, rows - r);
                    for (int t = 0, o = r * ldOut + g * COLUMNS; t < rowsHere; t++, o += ldOut) {
                        for (int c = 0; c < columns; c++) {
                            out[o + c] = tile[c * TILE_ROWS + t];
                        }
                    }
                }
            }
        });
    }

    /**
     * Rows {@code [r, r + TILE_ROWS)} of the transposed input {@code inT [k][ld]} times group {@code g}: 12 vectors of
     * sums, two input vectors and one broadcast weight per step; the sums go to {@code tile [COLUMNS][TILE_ROWS]}.
     */
    private static void tile(float[] inT, int ld, int r, int k, float[] packed, int g, float[] tile) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0,
                a4 = a0, b4 = a0, a5 = a0, b5 = a0;
        for (int i = 0, x = r, w = g * COLUMNS * k; i < k; i++, x += ld, w += COLUMNS) {
            FloatVector lo = FloatVector.fromArray(F, inT, x), hi = FloatVector.fromArray(F, inT, x + LANES);
            FloatVector c = FloatVector.broadcast(F, packed[w]);
            a0 = lo.fma(c, a0);
            b0 = hi.fma(c, b0);
            c = FloatVector.broadcast(F, packed[w + 1]);
            a1 = lo.fma(c, a1);
            b1 = hi.fma(c, b1);
            c = FloatVector.broadcast(F, packed[w + 2]);
            a2 = lo.fma(c, a2);
            b2 = hi.fma(c, b2);
            c = FloatVector.broadcast(F, packed[w + 3]);
            a3 = lo.fma(c, a3);
            b3 = hi.fma(c, b3);
            c = FloatVector.broadcast(F, packed[w + 4]);
            a4 = lo.fma(c, a4);
            b4 = hi.fma(c, b4);
            c = FloatVector.broadcast(F, packed[w + 5]);
            a5 = lo.fma(c, a5);
            b5 = hi.fma(c, b5);
        }
        store(a0, b0, tile, 0);
        store(a1, b1, tile, TILE_ROWS);
        store(a2, b2, tile, 2 * TILE_ROWS);
        store(a3, b3, tile, 3 * TILE_ROWS);
        store(a4, b4, tile, 4 * TILE_ROWS);
        store(a5, b5, tile, 5 * TILE_ROWS);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] tile, int at) {
        lo.intoArray(tile, at);
        hi.intoArray(tile, at + LANES);
    }
}
