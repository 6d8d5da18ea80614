package io.github.mubench.tensor.model;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Which inference implementation runs: {@code blas} ({@link BlasLlama}, the default on ND4J's CPU backend) or
 * {@code nd4j} ({@link Llama}, eager ND4J ops, the one that runs on any backend, CUDA included). Set with
 * {@code -Dmubench.cpu.kernels=blas|nd4j}; both give the same logits.
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
        return switch (choice) {
            case "nd4j" -> new Llama(checkpoint);
            case "blas" -> {
                if (!cpu) {
                    throw new IllegalArgumentException(PROPERTY + "=blas runs on ND4J's CPU backend only");
                }
                yield new BlasLlama(checkpoint);
            }
            case "" -> cpu ? new BlasLlama(checkpoint) : new Llama(checkpoint);
            default -> throw new IllegalArgumentException(PROPERTY + " must be blas or nd4j, got '" + choice + "'");
        };
    }
}
