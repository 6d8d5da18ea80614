package io.github.mubench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory as the kernel counts it: the only meter that sees ND4J's off-heap buffers. */
final class Meters {
    private Meters() {
    }

    /** Current resident set size in MiB (VmRSS). */
    static double rssMiB() {
        return statusKiB("VmRSS:") / 1024.0;
    }

    /** Peak resident set size in MiB (VmHWM). */
    static double peakRssMiB() {
        return statusKiB("VmHWM:") / 1024.0;
    }

    private static long statusKiB(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
