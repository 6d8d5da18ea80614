/**
 * Benchmark inputs and judgement: datasets, jailbreak attacks, judges, metrics and reports.
 * Filled in by the dataset and evaluation work; empty until then.
 */
package io.github.mubench.eval;
