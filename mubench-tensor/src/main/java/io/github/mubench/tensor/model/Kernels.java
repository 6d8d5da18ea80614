package io.github.mubench.tensor.model;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Which inference implementation runs: {@code vector} ({@link BlasLlama} with its element-wise loops on the Vector API,
 * the default on ND4J's CPU backend when the JVM has {@code --add-modules jdk.incubator.vector}), {@code blas} (the
 * same in plain Java loops, the default without that option) or {@code nd4j} ({@link Llama}, eager ND4J ops, the one
 * that runs on any backend, CUDA included). Set with {@code -Dmubench.cpu.kernels=vector|blas|nd4j}; all give the same
 * logits within float rounding (tested against PyTorch's within 1e-4).
 */
public final class Kernels {
    /** The system property that picks the implementation. */
    public static final String PROPERTY = "mubench.cpu.kernels";

    private Kernels() {
    }

    /** The inference model over {@code checkpoint} that this process is configured to use. */
    public static LanguageModel inference(Checkpoint checkpoint) {
        String choice = System.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
        boolean cpu = Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cpu");
        if ((choice.equals("blas") || choice.equals("vector")) && !cpu) {
            throw new IllegalArgumentException(PROPERTY + "=" + choice + " runs on ND4J's CPU backend only");
        }
        return switch (choice) {
            case "nd4j" -> new Llama(checkpoint);
            case "blas" -> new BlasLlama(checkpoint, Loops.SCALAR);
            case "vector" -> new BlasLlama(checkpoint, Loops.simd());
            case "" -> cpu ? new BlasLlama(checkpoint) : new Llama(checkpoint);
            default -> throw new IllegalArgumentException(PROPERTY + " must be vector, blas or nd4j, got '" + choice + "'");
        };
    }
}
