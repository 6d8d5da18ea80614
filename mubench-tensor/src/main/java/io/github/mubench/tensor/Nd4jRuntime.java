package io.github.mubench.tensor;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Process-wide ND4J settings that mubench applies once, before the first model runs.
 * <p>
 * ND4J's own element-wise, broadcast and reduction ops run on OpenMP threads; for the small arrays of decoding
 * their start-up cost dominates. Measured on this project's 2-core machines with the 56M-parameter model:
 * greedy decoding at batch 16 took 258 ms per step with 2 OpenMP threads and 126 ms with 1, training steps were
 * unchanged, and GEMM (OpenBLAS, which keeps its own threads) ran at the same speed. So the default is 1;
 * set the system property {@value #THREADS_PROPERTY} to change it.
 */
public final class Nd4jRuntime {
    /** System property: OpenMP threads for ND4J's non-BLAS ops (default 1). */
    public static final String THREADS_PROPERTY = "mubench.nd4j.threads";
    private static boolean configured;

    private Nd4jRuntime() {
    }

    /** Applies the settings once per process; later calls do nothing. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        int threads = Integer.getInteger(THREADS_PROPERTY, 1);
        if (threads < 1) {
            throw new IllegalArgumentException(THREADS_PROPERTY + " must be >= 1, got " + threads);
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        configured = true;
    }
}
