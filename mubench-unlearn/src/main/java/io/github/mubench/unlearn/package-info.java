/**
 * Machine-unlearning methods (each one small class that states its loss) and the shared trainer that runs them.
 * Filled in by the unlearning-engine work; empty until then.
 */
package io.github.mubench.unlearn;
