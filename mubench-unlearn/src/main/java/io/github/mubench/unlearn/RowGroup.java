package io.github.mubench.unlearn;

/**
 * What the rows of a training batch hold. A method names the groups its loss reads; the trainer fills each batch
 * with them, group after group in this order.
 */
public enum RowGroup {
    /** A forget prompt with its harmful response. */
    FORGET,
    /** A retain (benign) prompt with its response. */
    RETAIN,
    /** A forget prompt with the harmful response of another forget example, drawn at random (SKU). */
    RANDOM_HARMFUL,
    /** A forget prompt with the response of a retain example, drawn at random (LLMU's mismatch term). */
    RANDOM_BENIGN,
    /**
     * A forget prompt with a refusal: the example's own from the data, or one the original model generated
     * (Eraser, Safe Unlearning; the chosen response of DPO). Row {@code i} of this group belongs to forget row {@code i}.
     */
    REFUSAL
}
