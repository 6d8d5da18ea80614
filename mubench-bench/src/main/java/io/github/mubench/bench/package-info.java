/**
 * JMH benchmarks and side-by-side comparisons of mubench with peer implementations (PyTorch, llama2.c).
 */
package io.github.mubench.bench;
