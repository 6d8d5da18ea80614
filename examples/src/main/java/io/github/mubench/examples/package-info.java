/**
 * Runnable examples of the mubench Java API; {@link io.github.mubench.examples.CustomMethodExample} shows a new
 * unlearning method in a few dozen lines.
 */
package io.github.mubench.examples;
