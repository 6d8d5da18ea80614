package io.github.mubench.eval.stats;

import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Intervals and tests against statsmodels ({@code tools/make_fixtures.py stats}): Wilson intervals, McNemar's exact
 * p-values, Cohen's κ; the percentile bootstrap against the exact bootstrap distribution (all 6^6 resamples).
 */
class StatsTest {
    private static final SafetensorsFile REF = SafetensorsFile.open(
            Path.of("..", "mubench-tensor", "src", "test", "resources", "fixtures", "stats", "reference.safetensors"));

    @Test
    void wilsonIntervalsMatchStatsmodels() {
        INDArray in = REF.load("wilson/inputs"), bounds = REF.load("wilson/bounds");
        for (int i = 0; i < in.rows(); i++) {
            int k = (int) in.getDouble(i, 0), n = (int) in.getDouble(i, 1);
            Estimate e = Intervals.proportion(k, n);
            assertEquals(bounds.getDouble(i, 0), e.lower(), 1e-6, k + "/" + n + " lower");
            assertEquals(bounds.getDouble(i, 1), e.upper(), 1e-6, k + "/" + n + " upper");
            assertEquals((double) k / n, e.value(), 1e-12);
            assertEquals(n, e.n());
        }
    }

    @Test
    void mcnemarExactMatchesStatsmodels() {
        INDArray in = REF.load("mcnemar/inputs"), p = REF.load("mcnemar/p");
        for (int i = 0; i < in.rows(); i++) {
            int b = (int) in.getDouble(i, 0), c = (int) in.getDouble(i, 1);
            assertEquals(p.getDouble(i), PairedTests.mcnemarExact(b, c), 1e-6 * Math.max(1e-3, p.getDouble(i)) + 1e-7, b + " vs " + c);
        }
    }

    @Test
    void cohensKappaMatchesStatsmodels() {
        INDArray kappa = REF.load("kappa");
        for (int t = 0; t < kappa.length(); t++) {
            INDArray table = REF.load("kappa/table/" + t);
            List<String> first = new ArrayList<>(), second = new ArrayList<>();
            for (int i = 0; i < table.rows(); i++) {
                for (int j = 0; j < table.columns(); j++) {
                    for (int c = 0; c < (int) table.getDouble(i, j); c++) {
                        first.add("label" + i);
                        second.add("label" + j);
                    }
                }
            }
            Agreement.Result r = Agreement.of(first, second);
            assertEquals(kappa.getDouble(t), r.kappa(), 1e-6, "table " + t);
            assertEquals((int) table.getDouble(0, 1), r.confusion()[0][1]);
        }
    }

    @Test
    void percentileBootstrapApproachesTheExactBootstrapInterval() {
        double[] sample = REF.load("bootstrap/sample").toDoubleVector();
        INDArray exact = REF.load("bootstrap/exact_interval");
        Estimate e = Intervals.bootstrapMean(sample, 100_000, 1, 0.95);
        assertEquals(exact.getDouble(0), e.lower(), 0.02, "2.5% quantile of the resampled means");
        assertEquals(exact.getDouble(1), e.upper(), 0.02, "97.5% quantile");
        assertEquals(e, Intervals.bootstrapMean(sample, 100_000, 1, 0.95), "seeded");
    }

    @Test
    void pairedScoresSeeNoDifferenceInIdenticalDataAndAClearOneInAShift() {
        double[] before = {0.1, 0.4, 0.35, 0.8, 0.5, 0.2, 0.9, 0.3};
        double[] same = before.clone(), shifted = new double[before.length];
        for (int i = 0; i < before.length; i++) {
            shifted[i] = before[i] + 0.3 + 0.01 * i;
        }
        assertEquals(1, PairedTests.scores(before, same, 0).pValue(), 1e-12);
        PairedTests.Difference d = PairedTests.scores(before, shifted, 0);
        assertEquals(0.335, d.difference(), 1e-12);
        assertTrue(d.significant() && d.lower() > 0.3 && d.upper() < 0.37, d.toString());
        PairedTests.Difference m = PairedTests.binary(new boolean[]{true, true, true, true, false}, new boolean[]{false, false, false, false, false}, 0);
        assertEquals(-0.8, m.difference(), 1e-12);
        assertEquals(0.125, m.pValue(), 1e-12, "4 discordant pairs all one way: 2 · 0.5^4");
    }
}
