package io.github.mubench.cli;

import io.github.mubench.experiment.Experiment;
import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.experiment.report.Report;
import io.github.mubench.spark.SparkGrid;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mubench run EXPERIMENT.yaml}: the main job, resumable. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment file (YAML or JSON): unlearn every model with every method setting and seed, evaluate base and "
                + "unlearned models, write the trilemma report. The same command again continues where it stopped.")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXPERIMENT", description = "the experiment file (.yaml, .yml or .json)")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: the file's 'out')")
    Path out;

    @Option(names = "--spark", description = "run the grid on Apache Spark, one task per cell (a base evaluation, or an unlearning run and its evaluation)")
    boolean spark;

    @Option(names = "--master", description = "Spark master with --spark: local[N,RETRIES] or spark://HOST:PORT (default: local[*,4]);"
            + " YARN and Kubernetes through spark-submit and SparkGridJob")
    String master;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "a Spark setting with --spark (repeatable), e.g. spark.task.resource.gpu.amount=1")
    List<String> sparkConf = List.of();

    @Override
    public Integer call() {
        ExperimentResult result;
        Report[] report = new Report[1];
        if (!spark && (master != null || !sparkConf.isEmpty())) {
            throw new IllegalArgumentException("--master and --spark-conf go with --spark");
        }
        if (master != null && (master.equals("yarn") || master.startsWith("k8s://"))) {
            throw new IllegalArgumentException("--master " + master + ": submit to YARN or Kubernetes with spark-submit and "
                    + "io.github.mubench.spark.SparkGridJob (README, 'On a cluster'); --master takes local[N] or spark://HOST:PORT");
        }
        if (spark) {
            SparkConf conf = new SparkConf().setMaster(master != null ? master : "local[*,4]");
            if (master != null && !master.startsWith("local")) {
                // executors of a standalone cluster load mubench from the jars this command runs with, served by the driver
                conf.set("spark.jars", String.join(",", System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
            }
            for (String kv : sparkConf) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--spark-conf '" + kv + "': expected KEY=VALUE, e.g. spark.task.resource.gpu.amount=1");
                }
                conf.set(kv.substring(0, eq), kv.substring(eq + 1));
            }
            try (ExperimentOutput o = new ExperimentOutput()) {
                result = SparkGrid.run(file, out, conf, SparkGrid.DEFAULT, o::log);
            } catch (Exception e) { // Scala throws SparkException, a checked exception, without declaring it
                if (e instanceof org.apache.spark.SparkException && String.valueOf(e.getMessage()).contains("Master URL")) {
                    throw new IllegalArgumentException("--master '" + master + "': " + e.getMessage(), e);
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
            }
            report[0] = Report.of(result);
        } else {
            Experiment x = Experiment.fromFile(file);
            if (out != null) {
                x.outputDir(out);
            }
            try (ExperimentOutput o = new ExperimentOutput()) {
                result = x.log(o::log).progress(o.bars).onStep(o.steps(0)).onReport(r -> report[0] = r).run();
            }
        }
        System.out.println(report[0].terminalTable());
        System.out.println("report: " + result.dir().resolve(Report.HTML));
        return 0;
    }
}
