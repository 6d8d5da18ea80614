package io.github.mubench.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OpenBlasCoreTest {
    private static String cpuinfo(String vendor, String flags) {
        // two processors, as /proc/cpuinfo lists them; the first one's fields decide
        String one = "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: 26\nflags\t\t: " + flags + "\n\n";
        return one + one.replace("processor\t: 0", "processor\t: 1");
    }

    @Test
    void amdWithAvx512GetsTheSkylakeXKernels() {
        assertEquals("SkylakeX", OpenBlasCore.advised(cpuinfo("AuthenticAMD",
                "fpu sse2 avx avx2 fma avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16")));
    }

    @Test
    void amdWithoutFullAvx512KeepsOpenBlasChoice() {
        assertNull(OpenBlasCore.advised(cpuinfo("AuthenticAMD", "fpu sse2 avx avx2 fma")));
        // F alone (no BW/VL/DQ) is not what the SkylakeX kernels need; a flag that only starts with a name is not it
        assertNull(OpenBlasCore.advised(cpuinfo("AuthenticAMD", "avx2 avx512f avx512bwx avx512vl avx512dq")));
    }

    @Test
    void intelIsLeftToOpenBlasWhichKnowsItsAvx512Cpus() {
        assertNull(OpenBlasCore.advised(cpuinfo("GenuineIntel", "avx2 avx512f avx512dq avx512bw avx512vl")));
    }

    @Test
    void textWithoutTheFieldsAdvisesNothing() {
        assertNull(OpenBlasCore.advised(""));
        assertNull(OpenBlasCore.advised("vendor_id : AuthenticAMD\n"));
    }
}
