package io.github.mubench.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an unlearning run cost.
 *
 * @param steps      optimizer steps
 * @param seconds    training wall time, summed over steps (a resumed run's earlier steps included)
 * @param peakRssMiB the process's largest resident set seen at the end of a step (NaN where unknown, e.g. when
 *                   the run was resumed and its first part measured elsewhere)
 */
public record RunCost(int steps, double seconds, double peakRssMiB) {
    static final String FILE = "cost.json";

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("seconds", seconds);
        m.put("peak_rss_mib", Double.isNaN(peakRssMiB) ? null : peakRssMiB);
        return m;
    }

    static RunCost fromJson(com.fasterxml.jackson.databind.JsonNode n) {
        return new RunCost(n.path("steps").asInt(), n.path("seconds").asDouble(),
                n.path("peak_rss_mib").isNumber() ? n.path("peak_rss_mib").asDouble() : Double.NaN);
    }

    /** This process's resident set now, in MiB (Linux; NaN elsewhere). */
    static double rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
