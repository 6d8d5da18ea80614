package io.github.mubench.tensor.model;

import io.github.mubench.tensor.fixtures.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -Dmubench.cpu.kernels} picks the implementation (the test JVM has the Vector API module). */
class KernelsTest {
    private final Checkpoint checkpoint = new Fixture("llama").checkpoint();

    @AfterEach
    void clear() {
        System.clearProperty(Kernels.PROPERTY);
    }

    private LanguageModel with(String value) {
        System.setProperty(Kernels.PROPERTY, value);
        return Kernels.inference(checkpoint);
    }

    @Test
    void eachNameGivesItsImplementation() {
        assertSame(Loops.SIMD, assertInstanceOf(BlasLlama.class, with("")).loops(), "the default with the module");
        assertSame(Loops.SIMD, assertInstanceOf(BlasLlama.class, with("vector")).loops());
        assertSame(Loops.SCALAR, assertInstanceOf(BlasLlama.class, with("BLAS")).loops());
        assertInstanceOf(Llama.class, with("nd4j"));
    }

    @Test
    void oneCheckpointGetsOneModelPerChoice() {
        LanguageModel first = with("vector");
        assertSame(first, Kernels.inference(checkpoint), "asked again: the same model, its packed weights with it");
        assertSame(first, Kernels.inference(new Checkpoint(checkpoint.config(), checkpoint.weights())), "an equal checkpoint");
        assertNotSame(first, with("blas"), "another choice makes another model");
    }

    @Test
    void anUnknownNameIsRefusedWithTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> with("simd"));
        assertTrue(e.getMessage().contains("mubench.cpu.kernels must be vector, blas or nd4j, got 'simd'"), e.getMessage());
    }
}
