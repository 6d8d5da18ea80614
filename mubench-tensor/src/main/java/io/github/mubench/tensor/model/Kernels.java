package io.github.mubench.tensor.model;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

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

    /** A model made for a checkpoint, and the kernel choice it was made under. */
    private record Made(String choice, LanguageModel model) {
    }

    /**
     * One model per checkpoint while the checkpoint is reachable: a {@link BlasLlama} packs float32 weights for the
     * Vector API the first time a batch needs them, which callers that ask per request (judges) should not repeat.
     */
    private static final Map<Checkpoint, Made> MADE = new WeakHashMap<>();

    /**
     * The inference model over {@code checkpoint} that this process is configured to use: the same instance for the
     * same checkpoint and kernel choice (models are safe to share; each caller's state lives in its {@link KvCache}).
     */
    public static LanguageModel inference(Checkpoint checkpoint) {
        String choice = System.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
        synchronized (MADE) {
            Made made = MADE.get(checkpoint);
            if (made == null || !made.choice().equals(choice)) {
                made = new Made(choice, make(checkpoint, choice));
                MADE.put(checkpoint, made);
            }
            return made.model();
        }
    }

    /**
     * Whether this process computes on the host in Java and BLAS where it can: ND4J's CPU backend, and a choice other
     * than {@code nd4j}. The training graph follows it too: its layers' attention and MLP sub-layers (with LoRA, their
     * attention cores and SwiGLU gates) run outside SameDiff where it holds.
     */
    public static boolean onHost() {
        return cpuBackend() && !System.getProperty(PROPERTY, "").equalsIgnoreCase("nd4j");
    }

    private static boolean cpuBackend() {
        return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cpu");
    }

    private static LanguageModel make(Checkpoint checkpoint, String choice) {
        boolean cpu = cpuBackend();
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
