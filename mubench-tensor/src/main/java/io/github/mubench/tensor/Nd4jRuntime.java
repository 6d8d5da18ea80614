package io.github.mubench.tensor;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Process-wide ND4J settings that mubench applies once, before the first model runs.
 * <p>
 * ND4J's own element-wise, broadcast and reduction ops run on OpenMP threads; for the small arrays of decoding
 * their start-up cost dominates. Measured on this project's 2-core machines with the 56M-parameter model:
 * greedy decoding at batch 16 took 258 ms per step with 2 OpenMP threads and 126 ms with 1, training steps were
 * unchanged, and GEMM (OpenBLAS, which keeps its own threads) ran at the same speed. So the default is 1;
 * set the system property {@value #THREADS_PROPERTY} to change it.
 * <p>
 * Some ND4J ops start OpenMP teams of their own, outside that limit: a batched matmul (attention's in the training
 * graph) runs its GEMMs on an OpenMP team whose spinning threads then compete with OpenBLAS's for the two cores
 * (8–10 ms a call in the 56M training step against 1.5 ms alone). OpenMP's team size is set per thread, so
 * {@link #configure} also sets it for the calling thread, once per thread.
 * <p>
 * OpenBLAS's kernel choice cannot be made from here (it is read when the library loads): see {@link OpenBlasCore}.
 */
public final class Nd4jRuntime {
    /** System property: OpenMP threads for ND4J's non-BLAS ops (default 1). */
    public static final String THREADS_PROPERTY = "mubench.nd4j.threads";
    private static boolean configured;
    private static int threads;
    private static final ThreadLocal<Boolean> OPENMP_SET = ThreadLocal.withInitial(() -> false);

    private Nd4jRuntime() {
    }

    /**
     * Applies the settings once per process, and OpenMP's team size once per calling thread; later calls do nothing.
     * Call it on each thread that runs ND4J ops.
     */
    public static synchronized void configure() {
        if (!configured) {
            threads = Integer.getInteger(THREADS_PROPERTY, 1);
            if (threads < 1) {
                throw new IllegalArgumentException(THREADS_PROPERTY + " must be >= 1, got " + threads);
            }
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            OpenBlasCore.warnUnlessAdvised();
            configured = true;
        }
        if (!OPENMP_SET.get()) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            OPENMP_SET.set(true);
        }
    }
}
