package io.github.mubench.tensor.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Freeing intermediates during a gradient computation, and what is left of them at its end, changes no gradient or
 * requested output, frees memory, and never frees what a parameter, a constant or a fed array shares (a reshaped
 * parameter is a view of it).
 */
class EarlyReleaseTest {

    /**
     * (tanh(x·W)·C)² summed, plus tanh of W through an identity (which shares W's memory): values that share memory
     * with each other, with a parameter and with a constant's product.
     */
    private static SameDiff graph(INDArray w) {
        SameDiff sd = SameDiff.create();
        SDVariable weight = sd.var("w", w.dup());
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 2, 3);
        SDVariable c = sd.constant("c", Nd4j.linspace(1.0, 8.0, 8, DataType.FLOAT).reshape(2, 4));
        SDVariable h = sd.math.tanh(sd.mmul(x, weight)).mul(c);
        SDVariable same = sd.identity("same", h);
        SDVariable alias = sd.identity(weight); // ND4J's identity returns its input's memory
        SDVariable loss = same.mul(same).sum().add(sd.math.tanh(alias.reshape(4, 3)).sum(1).sum());
        sd.setLossVariables(loss.name());
        sd.createGradFunction();
        return sd;
    }

    @Test
    void gradientsAreUnchangedAndIntermediatesAreFreedButNeverSharedMemory() {
        INDArray w = Nd4j.linspace(-1.0, 1.0, 12, DataType.FLOAT).reshape(3, 4);
        INDArray x = Nd4j.linspace(-0.5, 0.7, 6, DataType.FLOAT).reshape(2, 3);
        Map<String, INDArray> feed = Map.of("x", x);
        var reference = graph(w).calculateGradientsAndOutputs(feed, List.of("same"), List.of("w"));
        INDArray expected = reference.getGradients().get("w"), expectedSame = reference.getOutputs().get("same");

        SameDiff sd = graph(w);
        EarlyRelease release = new EarlyRelease(sd.getFunction("grad"));
        sd.addListeners(release);
        for (int run = 0; run < 3; run++) { // repeated: nothing the next run needs was freed by the last
            release.begin(List.of("same", "w", sd.getVariable("w").gradient().name()), feed.values());
            var both = sd.calculateGradientsAndOutputs(feed, List.of("same"), List.of("w")); // "same" aliases h
            long freed = release.freedBytes();
            release.end(); // frees what is still live and not a result: the results are read below
            long swept = release.freedBytes() - freed;
            assertEquals(expected, both.getGradients().get("w"), "run " + run);
            assertEquals(expectedSame, both.getOutputs().get("same"), "requested output, run " + run);
            assertTrue(freed > 0, "intermediates freed in run " + run);
            assertTrue(swept > 0, "values that no op read freed at the end of run " + run);
        }
        assertEquals(w, sd.getVariable("w").getArr(), "the parameter is intact");
        assertFalse(x.wasClosed(), "the fed array is intact");
        assertEquals(Nd4j.linspace(1.0, 8.0, 8, DataType.FLOAT).reshape(2, 4), sd.getVariable("c").getArr(), "the constant is intact");
    }
}
