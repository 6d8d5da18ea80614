/**
 * Runnable examples of the mubench Java API.
 */
package io.github.mubench.examples;
