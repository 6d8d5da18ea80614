package io.github.mubench.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Which kernels the OpenBLAS that ND4J bundles (0.3.19) should run on this CPU. It predates AMD's AVX-512 CPUs: it
 * gives a Zen 4 its AVX2 kernels and does not know a Zen 5 at all (generic "Barcelona" kernels), where its AVX-512
 * "SkylakeX" kernels do the same single-precision products 3–5× faster (one Zen 5 VM, the 56M model's training
 * shapes: 60–85 against 270–380 GFLOP/s; the AVX2 "Haswell" ones 140–200). OpenBLAS reads {@value #VARIABLE} once,
 * when it loads, so it must be in the environment before the JVM starts: {@code tools/openblas-core.sh} (sourced by
 * {@code ./mubench} and the benchmark scripts) sets it by the same rule as {@link #advised}; a JVM started without it,
 * or with another value, gets one warning.
 */
public final class OpenBlasCore {
    /** The environment variable OpenBLAS reads its kernel choice from. */
    public static final String VARIABLE = "OPENBLAS_CORETYPE";

    private OpenBlasCore() {
    }

    /**
     * The core type to set for the CPU that {@code cpuinfo} (the text of {@code /proc/cpuinfo}) describes, or null
     * where OpenBLAS's own choice stands: an AMD CPU with AVX-512 (F, BW, VL, DQ, as SkylakeX's kernels need) gets
     * {@code SkylakeX}.
     */
    static String advised(String cpuinfo) {
        String vendor = field(cpuinfo, "vendor_id"), flags = field(cpuinfo, "flags");
        if (vendor == null || flags == null || !vendor.equals("AuthenticAMD")) {
            return null;
        }
        Set<String> have = Set.copyOf(Arrays.asList(flags.split("\\s+")));
        return have.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq")) ? "SkylakeX" : null;
    }

    /** The value of the first line {@code name : value} in {@code cpuinfo}, or null. */
    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * Warns once (System.Logger) when this CPU wants {@value #VARIABLE} and the JVM was started without it, or with
     * another value (some machines preset one for every process).
     */
    static void warnUnlessAdvised() {
        String set = System.getenv(VARIABLE);
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return; // not Linux, or not readable: nothing to advise
        }
        String core = advised(cpuinfo);
        if (core != null && !core.equalsIgnoreCase(set)) {
            System.getLogger(OpenBlasCore.class.getName()).log(System.Logger.Level.WARNING,
                    "ND4J's OpenBLAS runs " + (set == null ? "AVX2 or generic kernels" : set + " kernels (" + VARIABLE
                            + " is set)") + " on this AMD AVX-512 CPU; start the JVM with " + VARIABLE + "=" + core
                            + " in the environment (`source tools/openblas-core.sh best` does it) for faster matrix"
                            + " products (1.5-5x on a Zen 5)");
        }
    }
}
