package io.github.mubench.bench;

import org.bytedeco.javacpp.FloatPointer;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.cblas_sasum;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * The two limits inference is judged against, measured on this machine in the same run as the benchmark: fp32 GEMM
 * throughput (a large square OpenBLAS {@code sgemm}, best of a few) bounds batched decoding and prefill; memory read
 * bandwidth (OpenBLAS {@code sasum}, which only streams, over a buffer far larger than the caches) bounds batch-1
 * decoding, which reads every weight once per token.
 */
final class Roofline {
    private Roofline() {
    }

    /** Best GFLOP/s of a {@code n × n × n} sgemm over a few runs. */
    static double gemmGflops(int n) {
        FloatPointer a = filled((long) n * n), b = filled((long) n * n), c = new FloatPointer((long) n * n);
        double best = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
            best = Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t));
        }
        a.close();
        b.close();
        c.close();
        return best;
    }

    /** Best GB/s of reading {@code mib} MiB of floats once over a few runs. */
    static double readGBps(int mib) {
        long n = mib * 1024L * 1024 / Float.BYTES;
        FloatPointer a = filled(n);
        double best = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            cblas_sasum((int) n, a, 1);
            best = Math.max(best, (double) n * Float.BYTES / (System.nanoTime() - t));
        }
        a.close();
        return best;
    }

    private static FloatPointer filled(long n) {
        FloatPointer p = new FloatPointer(n);
        for (long i = 0; i < n; i++) {
            p.put(i, (i % 7) * 0.25f);
        }
        return p;
    }
}
