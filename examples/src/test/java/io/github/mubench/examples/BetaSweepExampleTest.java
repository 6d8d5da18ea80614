package io.github.mubench.examples;

import io.github.mubench.experiment.report.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep runs NPO once per β and reports each beside the base model. */
class BetaSweepExampleTest {
    @TempDir
    Path dir;

    @Test
    void eachBetaIsARowOfTheReport() throws Exception {
        var r = BetaSweepExample.run(dir, 2);
        Report report = Report.of(r);
        assertEquals(List.of("base", "NPO (beta=0.05)", "NPO (beta=0.1)", "NPO (beta=0.5)"),
                report.rows().stream().map(Report.Row::label).toList());
        assertTrue(Files.readString(dir.resolve(Report.HTML)).contains("<svg id=\"trilemma\""));
    }
}
