package io.github.mubench.tensor.model;

/**
 * The {@code rope_scaling} block of an HF config. Supported types: {@code linear} (positions divided by
 * {@code factor}) and {@code llama3} (Llama-3.1's frequency-dependent scaling).
 *
 * @param type                          {@code "linear"} or {@code "llama3"}
 * @param factor                        scaling factor
 * @param lowFreqFactor                 llama3 only
 * @param highFreqFactor                llama3 only
 * @param originalMaxPositionEmbeddings llama3 only
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {
    /** The scaling types this runtime implements. */
    public static final java.util.List<String> SUPPORTED = java.util.List.of("default", "linear", "llama3");
}
