package io.github.mubench.tensor.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link OutsideOps}' stand-in on a small graph, with an element-wise product {@code a ⊙ b} computed outside: the loss
 * and the gradients of the variables below and above it equal those of the same graph with SameDiff's own multiply
 * (both inputs made from one variable, one of them also read by a SameDiff op, as a residual stream is), in two passes
 * with other values.
 */
class OutsideOpsTest {

    /** {@code a ⊙ b} outside SameDiff. */
    private static final class Product implements OutsideOps.Op {
        private INDArray a, b;

        @Override
        public void input(int index, INDArray made, boolean training) {
            if (index == 0) {
                a = made.dup();
            } else {
                b = made.dup();
            }
        }

        @Override
        public void forward(INDArray value, boolean training) {
            value.assign(a.mul(b));
        }

        @Override
        public INDArray[] backward(INDArray gradient) {
            return new INDArray[]{gradient.mul(b), gradient.mul(a)};
        }
    }

    @Test
    void gradientsThroughAJoinedOpEqualSameDiffsOwn() {
        for (int pass = 0; pass < 2; pass++) {
            INDArray w = Nd4j.rand(DataType.DOUBLE, 3, 4).castTo(DataType.FLOAT).addi(pass), x = Nd4j.rand(DataType.FLOAT, 5, 3);
            Map<String, INDArray> outside = gradients(w, x, true), own = gradients(w, x, false);
            for (String name : own.keySet()) {
                INDArray expected = own.get(name), actual = outside.get(name);
                assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), 1e-5 * expected.amaxNumber().doubleValue(), name);
            }
        }
    }

    @Test
    void anInputJoinedTwiceIsRefused() {
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.var("a", Nd4j.ones(DataType.FLOAT, 2, 2)).mul(2.0);
        OutsideOps ops = new OutsideOps();
        ops.join(sd, "first", new Product(), 2, 2, a, a.add(1.0));
        assertThrows(IllegalStateException.class, () -> ops.join(sd, "second", new Product(), 2, 2, a, a.add(2.0)));
    }

    /** Loss Σ (tanh(x·w) ⊙ (x·w)² + 3·tanh(x·w))·c, the product joined outside or SameDiff's; gradients of w, c, the loss. */
    private static Map<String, INDArray> gradients(INDArray w, INDArray x, boolean outside) {
        SameDiff sd = SameDiff.create();
        SDVariable wv = sd.var("w", w.dup()), xv = sd.var("x", x.dup()), c = sd.var("c", Nd4j.linspace(1, 4, 4, DataType.FLOAT).reshape(1, 4));
        SDVariable h = xv.mmul(wv), first = sd.math.tanh(h), second = h.mul(h);
        OutsideOps ops = new OutsideOps();
        SDVariable product = outside ? ops.join(sd, "product", new Product(), 5, 4, first, second) : first.mul(second);
        SDVariable loss = product.add(first.mul(3.0)).mul(c).sum();
        sd.setLossVariables(loss.name());
        sd.addListeners(ops);
        sd.createGradFunction();
        ops.gradientsBuilt(sd);
        ops.beginPass(true);
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "w", "x", "c");
        ops.beginPass(false);
        g = new java.util.HashMap<>(g);
        g.put("loss", sd.output(Map.of(), loss.name()).get(loss.name()));
        return g;
    }
}
