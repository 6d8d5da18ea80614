package io.github.mubench.unlearn;

/** The loss or the gradient became NaN or infinite: the run stops instead of writing garbage weights. */
public class DivergenceException extends RuntimeException {
    public DivergenceException(int step, double loss, double gradNorm) {
        super("training diverged at step " + step + ": loss " + loss + ", gradient norm " + gradNorm
                + " (lower the learning rate, or bound the method: GA-style losses are unbounded)");
    }
}
