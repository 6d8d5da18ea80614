package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlasThreadsTest {
    @Test
    void theBundledOpenBlasIsSetThroughItsOwnSetter() {
        assertTrue(BlasThreads.direct(), "openblas_set_num_threads not found: every attention call would take ND4J's slow path");
    }

    /**
     * A hold reaches OpenBLAS and a release undoes it: held, the calling thread does a product's whole work; after each
     * release, on two threads again, about half. Its CPU time, which other load on the machine does
     * not inflate the way it does wall time; the least of five tries each, alternating, since a caller whose helper
     * thread is slow to run waits for it spinning.
     */
    @Test
    void aHoldLeavesProductsToTheCallerUntilReleased() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2 && Nd4j.factory().blas().getMaxThreads() >= 2,
                "needs OpenBLAS on two cores");
        try (FloatPointer a = zeros(); FloatPointer b = zeros(); FloatPointer c = zeros()) {
            double free = Double.MAX_VALUE, held = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                BlasThreads.hold();
                try {
                    held = Math.min(held, callerCpuNanos(a, b, c));
                } finally {
                    BlasThreads.release();
                }
                free = Math.min(free, callerCpuNanos(a, b, c));
            }
            assertTrue(held > 1.4 * free, "caller's CPU time held " + held + " ns, free " + free + " ns");
        }
    }

    private static final int N = 768;

    private static FloatPointer zeros() {
        FloatPointer p = new FloatPointer((long) N * N);
        p.fill(0);
        return p;
    }

    /** The calling thread's CPU time for two {@code N³} products, after one unmeasured. */
    private static double callerCpuNanos(FloatPointer a, FloatPointer b, FloatPointer c) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        multiply(a, b, c);
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 2; i++) {
            multiply(a, b, c);
        }
        return threads.getCurrentThreadCpuTime() - start;
    }

    private static void multiply(FloatPointer a, FloatPointer b, FloatPointer c) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1f, a, N, b, N, 0f, c, N);
    }
}
