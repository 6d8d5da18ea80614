package io.github.mubench.experiment.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.experiment.RunCost;
import io.github.mubench.experiment.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's cells, paired tests and axes on hand-made evaluations whose answers are known: 10 harmful requests
 * under two attacks and 10 safe prompts, before and after an unlearning run. The p-values are McNemar's exact test
 * by hand: with d discordant pairs all one way, p = 2 · 0.5^d.
 */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** An evaluation folder: which requests' answers were harmful per attack, and which safe prompts were refused. */
    private Path eval(String name, boolean[] none, boolean[] base64, boolean[] refused, double acc) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        StringBuilder samples = new StringBuilder();
        int harmful = 0, any = 0, refusals = 0, noneHits = 0, base64Hits = 0;
        for (int i = 0; i < 10; i++) {
            for (String attack : List.of("none", "base64")) {
                boolean hit = attack.equals("none") ? none[i] : base64[i];
                samples.append(JSON.writeValueAsString(Map.of("task", "advbench", "doc_id", "advbench-" + i + "/" + attack, "item_id", "advbench-" + i,
                        "attack", attack, "values", Map.of("asr/keyword", hit ? 1.0 : 0.0)))).append('\n');
                harmful += hit ? 1 : 0;
            }
            noneHits += none[i] ? 1 : 0;
            base64Hits += base64[i] ? 1 : 0;
            any += none[i] || base64[i] ? 1 : 0;
            samples.append(JSON.writeValueAsString(Map.of("task", "xstest", "doc_id", "xstest-" + i, "item_id", "xstest-" + i, "label", "safe",
                    "values", Map.of("refusal/keyword", refused[i] ? 1.0 : 0.0)))).append('\n');
            refusals += refused[i] ? 1 : 0;
        }
        Map<String, Object> advbench = new LinkedHashMap<>();
        advbench.put("asr/keyword", estimate(harmful, 20));
        advbench.put("asr_any/keyword", estimate(any, 10));
        advbench.put("asr/keyword[attack=none]", estimate(noneHits, 10));
        advbench.put("asr/keyword[attack=base64]", estimate(base64Hits, 10));
        Map<String, Object> tasks = new LinkedHashMap<>();
        tasks.put("advbench", Map.of("use", "safety", "metrics", advbench));
        tasks.put("xstest", Map.of("use", "over_safety", "metrics", Map.of("refusal/keyword[label=safe]", estimate(refusals, 10))));
        tasks.put("arc_challenge", Map.of("use", "utility", "metrics", Map.of("acc", estimate((int) Math.round(acc * 10), 10))));
        Files.writeString(d.resolve("results.json"), JSON.writeValueAsString(Map.of("tasks", tasks)));
        Files.writeString(d.resolve("samples.jsonl"), samples.toString());
        return d;
    }

    private static Map<String, Object> estimate(int k, int n) {
        double p = k / (double) n;
        return Map.of("value", p, "lower", Math.max(0, p - 0.1), "upper", Math.min(1, p + 0.1), "n", n, "method", "wilson");
    }

    private static boolean[] first(int k) {
        boolean[] b = new boolean[10];
        for (int i = 0; i < k; i++) {
            b[i] = true;
        }
        return b;
    }

    @Test
    void cellsTestsAndAxesOnKnownAnswers() throws IOException {
        Path base = eval("base", first(10), first(2), first(0), 0.5), after = eval("after", first(0), first(0), first(8), 0.0);
        Setting s = new Setting("NPO", "npo", Map.of(), Map.of(), List.of(), 0);
        ExperimentResult x = new ExperimentResult(dir, "known", List.of(new ExperimentResult.ModelResult("m", "fp", base,
                List.of(new ExperimentResult.RunResult(s, dir.resolve("run"), after, new RunCost(3, 1.5, 100))))));
        Report r = Report.of(x);
        assertEquals(List.of("advbench ASR · none", "advbench ASR · base64", "advbench ASR", "advbench ASR · any attack",
                "xstest refusal of safe prompts", "arc_challenge acc"), r.columnLabels());
        Report.Row npo = r.rows().get(1);
        double[] p = new double[5];
        for (int i = 0; i < 5; i++) {
            p[i] = npo.cells().get(i).pValue();
        }
        assertEquals(2 * Math.pow(0.5, 10), p[0], 1e-12, "none: 10 discordant");
        assertEquals(0.5, p[1], 1e-12, "base64: 2 discordant");
        assertEquals(2 * Math.pow(0.5, 12), p[2], 1e-12, "all attacks: 12 discordant answers");
        assertEquals(2 * Math.pow(0.5, 10), p[3], 1e-12, "any attack: 10 requests, worst case per request");
        assertEquals(2 * Math.pow(0.5, 8), p[4], 1e-12, "over-safety: 8 discordant");
        assertEquals(List.of(true, false, true, true, true, false), npo.cells().stream().map(Report.Cell::significant).toList(),
                "the accuracy has no samples to pair here");
        assertEquals(-1.0, npo.cells().get(0).delta(), 1e-12);
        assertEquals(0.8, npo.cells().get(4).delta(), 1e-12);

        double[] b = r.axes(r.rows().get(0)), a = r.axes(npo);
        assertEquals(1 - 0.6, b[0], 1e-12, "safety: 1 - the ASR over all 20 answers, each counted once");
        assertEquals(1.0, a[0], 1e-12);
        assertEquals(0.0, b[1], 1e-12);
        assertEquals(0.8, a[1], 1e-12);
        assertEquals(1.0, b[2], 1e-12, "the base is utility 1");
        assertEquals(0.0, a[2], 1e-12, "an accuracy that collapses to 0 counts as 0, not as missing");
        assertTrue(r.paretoOptimal(r.rows().get(0)) && r.paretoOptimal(npo), "safer, but more over-safe and useless: neither dominates");

        String md = r.markdown();
        assertTrue(md.contains("| m | NPO | 0.0% [0.0%, 10.0%] (10) -100.0* |"), md);
        assertTrue(md.contains("80.0% [70.0%, 90.0%] (10) +80.0* |"), md);
        assertFalse(md.contains("-20.0*"), "base64's difference is not significant: " + md);
        assertTrue(md.contains("| 3 | 1.5 s | 100 MiB |"), md);
    }
}
