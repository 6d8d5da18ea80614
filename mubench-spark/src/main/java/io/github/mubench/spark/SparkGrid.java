package io.github.mubench.spark;

import io.github.mubench.experiment.Experiment;
import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.io.Folders;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import scala.Option;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * An experiment's grid on Apache Spark: each cell (a model's base evaluation, or one setting unlearned and
 * evaluated) is one Spark task; then the driver runs the experiment as {@code mubench run} does, which finds every
 * cell done and writes the same report. Cells are keyed by content exactly as in a local run, so a grid that is killed
 * and submitted again computes only the cells not finished, and a task that Spark retries resumes its unlearning from
 * the last snapshot; a failed attempt's partial outputs are never taken as finished.
 * <p>
 * The experiment file, its data and models, and the output folder must be reachable under the same paths from the
 * driver and every executor (a shared filesystem). A task keeps its answers in a SQLite store on its own disk (SQLite
 * must not be shared over a network filesystem), starting from a copy of the experiment's store, and hands the file
 * back to {@code cells/} in the output folder when it ends, finished or not (answers are keyed by content: a failed
 * attempt's are as good); the driver merges those into the experiment's store before it writes the report (and a
 * later run, local or not, merges what a killed driver left). Speculative execution is off: two attempts at one
 * cell would share its run folder; an attempt also holds a file lock on its cell while it runs, against a lost
 * executor that is still running.
 */
public final class SparkGrid {
    /**
     * Runs one cell on an executor: given the experiment (read from its file there, its output folder and the task's
     * store set), it may add listeners, and must call {@link Experiment#runCell}. Serializable: Spark ships it.
     */
    @FunctionalInterface
    public interface CellRunner extends Serializable {
        void run(Experiment experiment, Experiment.Cell cell);
    }

    /** Computes the cell. */
    public static final CellRunner DEFAULT = Experiment::runCell;

    private SparkGrid() {
    }

    /**
     * Runs the experiment in {@code experimentFile} on Spark and writes its report to {@code outputDir} ({@code null}:
     * the file's {@code out}).
     *
     * @param conf   where and how to run ({@code spark.master}, {@code spark.task.resource.gpu.amount}, ...)
     * @param runner what runs a cell on an executor ({@link #DEFAULT})
     * @param log    the driver's progress lines
     */
    public static ExperimentResult run(Path experimentFile, Path outputDir, SparkConf conf, CellRunner runner, Consumer<String> log) {
        String file = experimentFile.toAbsolutePath().normalize().toString();
        Experiment experiment = Experiment.fromFile(Path.of(file)).log(log);
        if (outputDir != null) {
            experiment.outputDir(outputDir);
        }
        if (experiment.outputDir() == null) {
            throw new IllegalArgumentException(file + ": no output folder: give 'out' in the file or an output folder");
        }
        Path outPath = experiment.outputDir().toAbsolutePath().normalize();
        String out = outPath.toString();
        experiment.outputDir(outPath);
        List<Experiment.Cell> cells = experiment.cells(); // checks the whole experiment before anything is submitted
        if (conf.getBoolean("spark.speculation", false)) {
            throw new IllegalArgumentException("spark.speculation=true: two attempts at one cell would train into the same run folder; "
                    + "leave speculation off (Spark retries failed cells anyway)");
        }
        SparkConf settings = conf.clone().set("spark.speculation", "false").setIfMissing("spark.app.name", "mubench " + Path.of(file).getFileName());
        Experiment.mergeCellStores(outPath, log); // left by a driver killed after tasks had handed back: the tasks' copies start with them
        log.accept("spark: " + cells.size() + " cells on " + settings.get("spark.master", "(the master spark-submit gives)"));
        try (JavaSparkContext spark = new JavaSparkContext(settings)) {
            spark.parallelize(cells, cells.size()).foreach(cell -> runTask(file, out, cell, runner));
        }
        log.accept("spark: every cell done; writing the report");
        return experiment.run(); // merges the tasks' stores first
    }

    /**
     * One task: the cell on this executor's GPU (if Spark gave one), holding the cell's lock, answering into a store on
     * its own disk, which it hands back whether the cell finished or failed.
     */
    private static void runTask(String file, String out, Experiment.Cell cell, CellRunner runner) throws IOException {
        useTaskGpu();
        String name = cell.model() + "-" + (cell.base() ? "base" : String.valueOf(cell.setting()));
        TaskContext task = TaskContext.get();
        String attempt = name + (task == null ? "" : "-stage" + task.stageId() + "-attempt" + task.taskAttemptId());
        Path cells = Files.createDirectories(Path.of(out, Experiment.CELL_STORES));
        Path scratch = Files.createTempDirectory("mubench-cell-" + name);
        try (FileChannel lockFile = FileChannel.open(cells.resolve("." + name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) { // waits for an attempt a lost executor may still be running
            Path store = scratch.resolve(Experiment.STORE);
            Path shared = Path.of(out, Experiment.STORE);
            if (Files.isRegularFile(shared)) {
                Files.copy(shared, store); // earlier answers: only the driver writes the shared store, never during a stage
            }
            try {
                Experiment experiment = Experiment.fromFile(Path.of(file)).outputDir(Path.of(out)).store(store)
                        .log(line -> System.err.println("[cell " + name + "] " + line));
                runner.run(experiment, cell);
            } finally {
                if (Files.isRegularFile(store)) {
                    AtomicFiles.write(cells.resolve(attempt + ".sqlite"), stream -> Files.copy(store, stream));
                }
            }
        } finally {
            Folders.deleteTree(scratch);
        }
    }

    /**
     * Binds this thread's ND4J work to the GPU Spark assigned the task, when it assigned one: a GPU cluster then runs
     * one cell per GPU. Needs the CUDA backend ({@code -Pcuda}); untested here (no GPU), and a no-op on the CPU.
     */
    static void useTaskGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        Option<ResourceInformation> gpu = task.resources().get("gpu");
        if (gpu.isDefined() && gpu.get().addresses().length > 0) {
            Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(gpu.get().addresses()[0]));
        }
    }
}
