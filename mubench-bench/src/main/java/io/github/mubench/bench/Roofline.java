package io.github.mubench.bench;

import io.github.mubench.tensor.model.LlamaConfig;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sasum;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * The two limits inference is judged against, measured on this machine in the same run as the benchmark: fp32 GEMM
 * throughput (a large square OpenBLAS {@code sgemm}, best of a few) bounds batched decoding and prefill; memory read
 * bandwidth (OpenBLAS {@code sasum}, which only streams, over a buffer far larger than the caches) bounds batch-1
 * decoding, which reads every weight once per token. And a reference for batched decoding's products: OpenBLAS's
 * {@code sgemm} at that few rows over a model's weights, which the square GEMM's limit is far above.
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

    /**
     * Best GFLOP/s over a few passes of {@code out = x · Wᵀ} for {@code x} of {@code rows} rows and every multiplying
     * weight {@code W [n, k]} of {@code c} (q, k, v, o, gate, up, down per layer and the LM head), each in memory of its
     * own, as a model's are: so each pass streams them from memory, as a decoding step at batch {@code rows} does
     * (where they outgrow the caches: stories260K's 1 MiB does not).
     */
    static double blasRowsGflops(LlamaConfig c, int rows) {
        int d = c.hiddenSize(), q = c.numHeads() * c.headDim(), kv = c.numKvHeads() * c.headDim(), ff = c.intermediateSize();
        List<int[]> shapes = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            shapes.addAll(List.of(new int[]{q, d}, new int[]{kv, d}, new int[]{kv, d}, new int[]{d, q},
                    new int[]{ff, d}, new int[]{ff, d}, new int[]{d, ff}));
        }
        shapes.add(new int[]{c.vocabSize(), d});
        List<FloatPointer> weights = new ArrayList<>();
        double flops = 0;
        int widest = 0;
        for (int[] s : shapes) {
            weights.add(filled((long) s[0] * s[1]));
            flops += 2.0 * rows * s[0] * s[1];
            widest = Math.max(widest, Math.max(s[0], s[1]));
        }
        FloatPointer x = filled((long) rows * widest), out = new FloatPointer((long) rows * widest);
        double best = 0;
        for (int pass = 0; pass < 4; pass++) {
            long t = System.nanoTime();
            for (int i = 0; i < shapes.size(); i++) {
                int n = shapes.get(i)[0], k = shapes.get(i)[1];
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, k, 1f, x, k, weights.get(i), k, 0f, out, n);
            }
            best = Math.max(best, flops / (System.nanoTime() - t));
        }
        weights.forEach(FloatPointer::close);
        x.close();
        out.close();
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

    /** {@code n} floats of a repeating pattern, written a block at a time (one JNI call per float is slow at GBs). */
    private static FloatPointer filled(long n) {
        FloatPointer p = new FloatPointer(n);
        float[] block = new float[1 << 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = (i % 7) * 0.25f;
        }
        for (long at = 0; at < n; at += block.length) {
            p.position(at).put(block, 0, (int) Math.min(block.length, n - at));
        }
        return p.position(0);
    }
}
