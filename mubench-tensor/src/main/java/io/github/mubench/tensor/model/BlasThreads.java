package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Holds OpenBLAS to one thread while callers run products on threads of their own ({@link BlasAttention},
 * {@link SplitBlas}). The presets' {@code blas_set_num_threads} (which ND4J's {@code setMaxThreads} calls) loads the
 * library's class and looks up four symbols on every call: 242 µs a call here, against 32 ns through OpenBLAS's own
 * setter, looked up once. The training step's attention holds and releases twice per call, and every product of the
 * graph once; a profile of the 56M step showed those lookups at 1.4% of its samples, with JIT compilations of the
 * loader's code (zip entries, digests) still running after 40 steps.
 */
final class BlasThreads {
    /** OpenBLAS's {@code openblas_set_num_threads}, or null where the loaded BLAS has none (MKL): ND4J's path then. */
    private static final openblas_nolapack.SetNumThreads SETTER = lookUp();
    /** Callers holding now, and the count before the first of them. */
    private static int holders, saved;

    private BlasThreads() {
    }

    /** Whether the count is set through OpenBLAS's own setter (false: through ND4J, where the loaded BLAS has none). */
    static boolean direct() {
        return SETTER != null;
    }

    /** OpenBLAS on one thread until every {@link #hold} has its {@link #release}; the first holder saves the count. */
    static synchronized void hold() {
        if (holders == 0) {
            // ND4J's count: the setter here does not change it, so it is the count before the hold
            saved = Nd4j.factory().blas().getMaxThreads();
            set(1);
        }
        holders++; // counted once the hold is in place: a failure above leaves no hold to release
    }

    /** Holds not yet released (for tests: every caller's hold must end in a release). */
    static synchronized int holders() {
        return holders;
    }

    /** Ends a {@link #hold}; the last one restores the count saved. */
    static synchronized void release() {
        if (--holders == 0) {
            set(saved);
        }
    }

    private static void set(int threads) {
        if (SETTER != null) {
            SETTER.call(threads);
        } else {
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }

    private static openblas_nolapack.SetNumThreads lookUp() {
        Nd4j.factory().blas(); // loads the BLAS library, so the symbol can be found
        Pointer address = Loader.addressof("openblas_set_num_threads");
        return address == null ? null : new Setter().put(address);
    }

    /** Subclass for the protected constructor that allocates the native function-pointer holder. */
    private static final class Setter extends openblas_nolapack.SetNumThreads {
    }
}
