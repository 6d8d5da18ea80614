package io.github.mubench.tensor.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;

/**
 * {@code out = in · Wᵀ} on the Vector API for a weight {@code W [n, k]} packed in column panels: panel {@code p} holds
 * output columns {@code [p·WIDTH, (p+1)·WIDTH)} as {@code [k][WIDTH]}, so a product reads each weight once per
 * {@value #TILE_ROWS} input rows, broadcasts one input element at a time and keeps its {@value #TILE_ROWS} × 3 vectors
 * of outputs in registers with no horizontal sums. The tile's 12 sums, 3 weight vectors and one broadcast fill AVX2's 16
 * registers: three multiply-adds per broadcast. Measured on a 2-core AVX2 machine (one weight of the 126M and 56M
 * shapes, up to 11 MB, multiplied over and over on two cores): 107–153 GFLOP/s at 16 rows and 123–135 at 8, where the
 * previous tile (8 rows × 2 vectors, whose 16 sums spill on AVX2) ran at 57–91 and 76–86; inside a decoding step,
 * with the weights coming from memory, about half that. It gives way to OpenBLAS's blocked GEMM only at hundreds of
 * rows. Only loaded where {@link Loops#simdAvailable()}.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /** Output columns per panel: three vectors. */
    static final int WIDTH = 3 * LANES;
    /**
     * Input rows per register tile. On AVX-512 (32 registers) the tile takes 16 of them and 48 columns; not measured on
     * such a machine, where the 8-row × 2-vector tile it replaced ran at 190–225 GFLOP/s on one core.
     */
    static final int TILE_ROWS = 4;
    /**
     * Multiply-adds from which a product is split between {@link Workers}: about 30 µs of work, which a spinning helper
     * takes in a microsecond (measured here: stories260K at batch 64 went from 3.8–5.5 to 2.3–3.5 ms a step when its
     * 0.1–0.7 M products were split too; from 2¹⁴ on, no faster).
     */
    static final long PARALLEL_MACS = 1L << 16;

    /** Chunks per thread a split product's panels are cut into (the last chunk to end is the one the caller waits on). */
    static final int CHUNKS_PER_THREAD = 16;

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
     * The row-major {@code [n, k]} matrix {@code w} packed into {@code panels} as its rows {@code [first, first + n)}:
     * matrices packed one after another this way are one product's weight (their outputs side by side in a row).
     * {@code panels} holds {@link #packedLength} floats of all rows together; rows no matrix fills stay zero.
     */
    static void pack(FloatBuffer w, int n, int k, float[] panels, int first) {
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            w.get((int) ((long) j * k), row, 0, k);
            packRow(row, 0, first + j, k, panels);
        }
    }

    /** Row {@code j} of a matrix (its k floats at {@code row[at..)}) into its place in {@code panels}. */
    private static void packRow(float[] row, int at, int j, int k, float[] panels) {
        int base = (j / WIDTH) * WIDTH * k + j % WIDTH;
        for (int i = 0; i < k; i++) {
            panels[base + i * WIDTH] = row[at + i];
        }
    }

    /** {@code n} columns rounded up to whole panels: the least row stride of {@link #multiply}'s output. */
    static int paddedColumns(int n) {
        return panels(n) * WIDTH;
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
        Workers.split(count, parts, CHUNKS_PER_THREAD, (part, first, end) -> multiply(in, rows, k, panels, out, ldOut, first, end));
    }

    /** {@link #multiply} over panels {@code [first, end)} on this thread. */
    private static void multiply(float[] in, int rows, int k, float[] panels, float[] out, int ldOut, int first, int end) {
        for (int p = first; p < end; p++) {
            for (int m = 0; m < rows; m += TILE_ROWS) {
                tile(in, m, k, panels, p, out, ldOut);
            }
        }
    }

    /** Rows {@code [m, m + 4)} of panel {@code p}: 12 vectors of sums, three weight vectors and one broadcast per step. */
    private static void tile(float[] in, int m, int k, float[] panels, int p, float[] out, int ldOut) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, c0 = a0, a1 = a0, b1 = a0, c1 = a0, a2 = a0, b2 = a0, c2 = a0,
                a3 = a0, b3 = a0, c3 = a0;
        int x0 = m * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        int w = p * WIDTH * k;
        for (int i = 0; i < k; i++, w += WIDTH) {
            FloatVector u = FloatVector.fromArray(F, panels, w), v = FloatVector.fromArray(F, panels, w + LANES),
                    z = FloatVector.fromArray(F, panels, w + 2 * LANES);
            FloatVector x = FloatVector.broadcast(F, in[x0 + i]);
            a0 = u.fma(x, a0);
            b0 = v.fma(x, b0);
            c0 = z.fma(x, c0);
            x = FloatVector.broadcast(F, in[x1 + i]);
            a1 = u.fma(x, a1);
            b1 = v.fma(x, b1);
            c1 = z.fma(x, c1);
            x = FloatVector.broadcast(F, in[x2 + i]);
            a2 = u.fma(x, a2);
            b2 = v.fma(x, b2);
            c2 = z.fma(x, c2);
            x = FloatVector.broadcast(F, in[x3 + i]);
            a3 = u.fma(x, a3);
            b3 = v.fma(x, b3);
            c3 = z.fma(x, c3);
        }
        // stored here, not through a helper method taking the vectors: C2 sometimes compiled such a helper's stores
        // without their intrinsic (boxing every sum): a probe of the 56M products ran 1.5x slower in 7 of 19 JVMs
        int o = m * ldOut + p * WIDTH;
        a0.intoArray(out, o);
        b0.intoArray(out, o + LANES);
        c0.intoArray(out, o + 2 * LANES);
        o += ldOut;
        a1.intoArray(out, o);
        b1.intoArray(out, o + LANES);
        c1.intoArray(out, o + 2 * LANES);
        o += ldOut;
        a2.intoArray(out, o);
        b2.intoArray(out, o + LANES);
        c2.intoArray(out, o + 2 * LANES);
        o += ldOut;
        a3.intoArray(out, o);
        b3.intoArray(out, o + LANES);
        c3.intoArray(out, o + 2 * LANES);
    }
}
