package io.github.mubench.bench;

import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.HfConfig;
import io.github.mubench.tensor.checkpoint.SafetensorsFile;
import io.github.mubench.tensor.checkpoint.SafetensorsWriter;
import io.github.mubench.tensor.model.HalfTensor;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.TensorNames;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model too large for memory as float32, stored in BF16 (or F16) and run with its weights as stored: writes an HF
 * folder of random weights for a {@link BenchConfigs} shape one tensor at a time (unless the folder holds one already),
 * loads it, decodes greedily at batch 1, and prints one JSON line: load seconds, ms/token, peak RSS.
 * <p>
 * Usage: {@code HalfModelHarness SHAPE FOLDER [new_tokens=8] [BF16|F16]}.
 */
public final class HalfModelHarness {
    private HalfModelHarness() {
    }

    public static void main(String[] args) throws Exception {
        String shape = args[0];
        Path folder = Path.of(args[1]);
        int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        SafetensorsWriter.Dtype dtype = args.length > 3 ? SafetensorsWriter.Dtype.valueOf(args[3]) : SafetensorsWriter.Dtype.BF16;
        LlamaConfig c = BenchConfigs.byName(shape);
        long t0 = System.nanoTime();
        if (!Files.exists(folder.resolve("model.safetensors"))) {
            write(c, folder, dtype);
        } else { // reused: it must be what this run reports
            SafetensorsFile existing = SafetensorsFile.open(folder.resolve("model.safetensors"));
            HalfTensor first = existing.half(existing.names().get(0));
            SafetensorsWriter.Dtype stored = first == null ? SafetensorsWriter.Dtype.F32 : first.bf16() ? SafetensorsWriter.Dtype.BF16 : SafetensorsWriter.Dtype.F16;
            if (stored != dtype || !HfConfig.read(folder.resolve("config.json")).equals(c)) {
                throw new IllegalArgumentException(folder + " holds a " + stored + " model of another config or type; give a new folder");
            }
        }
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Checkpoint ckpt = HfCheckpoint.load(folder);
        LanguageModel model = Kernels.inference(ckpt);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Generator gen = new Generator(model, null);
        GenerationConfig greedy = GenerationConfig.greedy(newTokens).withStopAtEos(false);
        gen.generateIds(List.of(new int[]{1}), GenerationConfig.greedy(1).withStopAtEos(false)); // first touch of every page
        t0 = System.nanoTime();
        gen.generateIds(List.of(new int[]{1}), greedy);
        double msPerToken = (System.nanoTime() - t0) / 1e6 / newTokens;
        long bytes = Files.size(folder.resolve("model.safetensors"));
        System.out.printf("{\"event\":\"half_decode\",\"shape\":\"%s\",\"dtype\":\"%s\",\"kernel\":\"%s\",\"file_gib\":%.2f,"
                        + "\"write_s\":%.1f,\"load_s\":%.1f,\"batch\":1,\"new_tokens\":%d,\"ms_per_token\":%.1f,\"peak_rss_mib\":%.0f,"
                        + "\"read_gbps\":%.1f}%n", shape, dtype, model.getClass().getSimpleName(), bytes / (double) (1L << 30),
                writeSeconds, loadSeconds, newTokens, msPerToken, Meters.peakRssMiB(), Roofline.readGBps(1024));
    }

    /** config.json and model.safetensors of random weights (uniform, standard deviation 0.02; unit norm gains). */
    private static void write(LlamaConfig c, Path folder, SafetensorsWriter.Dtype dtype) throws Exception {
        Files.createDirectories(folder);
        HfConfig.write(c, folder.resolve("config.json"));
        long d = c.hiddenSize(), f = c.intermediateSize(), q = (long) c.numHeads() * c.headDim(), kv = (long) c.numKvHeads() * c.headDim();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(TensorNames.EMBED, new long[]{c.vocabSize(), d});
        for (int l = 0; l < c.numLayers(); l++) {
            shapes.put(TensorNames.layer(l, TensorNames.ATTN_NORM), new long[]{d});
            shapes.put(weight(l, TensorNames.Q_PROJ), new long[]{q, d});
            shapes.put(weight(l, TensorNames.K_PROJ), new long[]{kv, d});
            shapes.put(weight(l, TensorNames.V_PROJ), new long[]{kv, d});
            shapes.put(weight(l, TensorNames.O_PROJ), new long[]{d, q});
            shapes.put(TensorNames.layer(l, TensorNames.MLP_NORM), new long[]{d});
            shapes.put(weight(l, TensorNames.GATE_PROJ), new long[]{f, d});
            shapes.put(weight(l, TensorNames.UP_PROJ), new long[]{f, d});
            shapes.put(weight(l, TensorNames.DOWN_PROJ), new long[]{d, f});
        }
        shapes.put(TensorNames.FINAL_NORM, new long[]{d});
        if (!c.tieWordEmbeddings()) {
            shapes.put(TensorNames.LM_HEAD, new long[]{c.vocabSize(), d});
        }
        SplittableRandom rnd = new SplittableRandom(0);
        SafetensorsWriter.write(shapes, name -> random(rnd, shapes.get(name)), folder.resolve("model.safetensors"), dtype);
    }

    private static INDArray random(SplittableRandom rnd, long[] shape) {
        if (shape.length == 1) {
            return Nd4j.ones(DataType.FLOAT, shape);
        }
        float[] v = new float[Math.toIntExact(shape[0] * shape[1])];
        double half = 0.02 * Math.sqrt(3); // uniform on [-half, half]: standard deviation 0.02
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextInt() * (1.0 / Integer.MIN_VALUE)) * half);
        }
        return Nd4j.create(v, shape, DataType.FLOAT);
    }

    private static String weight(int layer, String projection) {
        return TensorNames.weight(TensorNames.layer(layer, projection));
    }
}
