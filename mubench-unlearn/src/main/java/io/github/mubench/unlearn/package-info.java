/**
 * Machine-unlearning methods (each one small class that states its loss, in {@code methods}) over the shared
 * {@link io.github.mubench.unlearn.LossTerms}.
 */
package io.github.mubench.unlearn;
