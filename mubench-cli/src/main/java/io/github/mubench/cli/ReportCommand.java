package io.github.mubench.cli;

import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.experiment.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mubench report}: the trilemma report of finished (or partly finished) experiments. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the trilemma report (results.json, report.md, report.html) of one or more experiment folders.")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "DIR", required = true, arity = "1..*", description = "experiment folders (written by run or demo)")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the report goes")
    Path out;

    @Override
    public Integer call() {
        for (Path dir : runs) {
            if (!ExperimentResult.isComplete(dir)) {
                System.err.println("mubench: " + dir + " holds an experiment that has not finished; the report shows the runs done so far"
                        + " (run the same command again to finish it)");
            }
        }
        Report r = Report.of(runs.stream().map(ExperimentResult::read).toArray(ExperimentResult[]::new));
        r.write(out);
        System.out.println(r.terminalTable());
        System.out.println("report: " + out.resolve(Report.HTML));
        return 0;
    }
}
