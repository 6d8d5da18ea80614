package io.github.mubench.tensor.model;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets OpenBLAS's thread count. The presets' {@code blas_set_num_threads} (which ND4J's {@code setMaxThreads} calls)
 * loads the library's class and looks up four symbols on every call; the training step's attention sets the count
 * twice per call, and a profile of the 56M step showed those lookups at 1.4% of its samples, with JIT compilations of
 * the loader's code (zip entries, digests) still running after 40 steps. OpenBLAS's own setter is looked up once here.
 */
final class BlasThreads {
    /** OpenBLAS's {@code openblas_set_num_threads}, or null where the loaded BLAS has none (MKL): ND4J's path then. */
    private static final openblas_nolapack.SetNumThreads SETTER = lookUp();

    private BlasThreads() {
    }

    /** The count OpenBLAS was last set to through the presets (as ND4J reports it). */
    static int get() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** Whether {@link #set} calls OpenBLAS's own setter (false: ND4J's, where the loaded BLAS has none). */
    static boolean direct() {
        return SETTER != null;
    }

    /** Sets OpenBLAS's thread count to {@code threads}. */
    static void set(int threads) {
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
