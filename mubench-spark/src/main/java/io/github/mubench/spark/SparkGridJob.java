package io.github.mubench.spark;

import org.apache.spark.SparkConf;

import java.nio.file.Path;

/**
 * The {@code spark-submit} entry point: {@code spark-submit --class io.github.mubench.spark.SparkGridJob JAR
 * EXPERIMENT.yaml [OUTPUT_DIR]}. Master, resources and retries come from spark-submit ({@code --master},
 * {@code --conf spark.task.resource.gpu.amount=1}, {@code spark.task.maxFailures}).
 */
public final class SparkGridJob {
    private SparkGridJob() {
    }

    /** Runs the grid of {@code args[0]} into {@code args[1]} (default: the file's {@code out}); exits 2 on bad arguments. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: spark-submit --class " + SparkGridJob.class.getName() + " JAR EXPERIMENT.yaml [OUTPUT_DIR]");
            System.exit(2);
        }
        SparkGrid.run(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : null, new SparkConf(), SparkGrid.DEFAULT, System.err::println);
    }
}
