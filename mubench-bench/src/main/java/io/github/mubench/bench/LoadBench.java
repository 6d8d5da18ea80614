package io.github.mubench.bench;

import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.HfConfig;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import io.github.mubench.tensor.io.Folders;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import io.github.mubench.tensor.model.RandomWeights;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loading an HF folder by model size and stored type: open, validate the header, map the data and check every weight
 * for NaN/Inf (which reads each byte once). GB/s = the file's size (printed at setup) / the time. The files are written
 * at setup from random weights and sit in the page cache, as a model used twice does.
 * <p>
 * {@code mubench-bench/jmh.sh LoadBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx8g", "--add-modules=jdk.incubator.vector"})
public class LoadBench {
    @Param({"56M", "126M", "qwen0.5B"})
    public String shape;

    @Param({"F32", "BF16"})
    public String dtype;

    private Path folder;

    @Setup
    public void write() throws IOException {
        LlamaConfig c = BenchConfigs.byName(shape);
        ModelWeights w = RandomWeights.of(c, 0);
        folder = Files.createTempDirectory("mubench-loadbench-");
        HfConfig.write(c, folder.resolve("config.json"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        w.names().forEach(n -> shapes.put(n, w.shape(n)));
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> all = w.asMap();
        SafetensorsWriter.write(shapes, all::get, folder.resolve("model.safetensors"), SafetensorsWriter.Dtype.valueOf(dtype));
        System.out.printf("%n%s %s: %.1f MB%n", shape, dtype, Files.size(folder.resolve("model.safetensors")) / 1e6);
    }

    @Benchmark
    public Checkpoint load() {
        return HfCheckpoint.load(folder);
    }

    @TearDown
    public void remove() throws IOException {
        Folders.deleteTree(folder);
    }
}
