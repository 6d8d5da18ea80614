package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.model.TensorNames;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.io.FolderFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.HalfTensor;
import io.github.mubench.tensor.model.ModelWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An HF model folder: {@code config.json} plus {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}. Pickled PyTorch weights are refused, never unpickled.
 */
public final class HfCheckpoint {
    /** Shard size above which {@link #save} splits the weights, as {@code save_pretrained}'s default (5 GB). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String INDEX = "model.safetensors.index.json";

    private HfCheckpoint() {
    }

    /**
     * Loads config and weights; tensors with NaN or infinite values are refused. End-of-sequence ids listed in
     * {@code generation_config.json}, when present, are added to the config's.
     */
    public static Checkpoint load(Path folder) {
        Path configFile = FolderFiles.inside(folder, "config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException(configFile, "config.json", "missing; an HF model folder needs config.json");
        }
        LlamaConfig config = HfConfig.read(configFile);
        Path generationConfig = FolderFiles.inside(folder, "generation_config.json");
        if (Files.isRegularFile(generationConfig)) {
            config = HfConfig.withGenerationConfig(config, generationConfig);
        }
        List<SafetensorsFile> files = openWeightFiles(folder);
        List<String> names = new ArrayList<>();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Map<String, HalfTensor> halves = new LinkedHashMap<>();
        for (SafetensorsFile f : files) {
            for (String name : f.names()) {
                if (tensors.containsKey(name) || halves.containsKey(name)) {
                    throw new CheckpointException(f.path(), name, "appears in more than one shard; expected exactly one");
                }
                // tensors the architecture does not read are never loaded (nor upcast): HF's "weights not used";
                // a layer beyond the config's count is an error, not an unused tensor
                if (TensorNames.expects(config, name) || TensorNames.layerOf(name) >= config.numLayers()) {
                    names.add(name);
                    HalfTensor half = f.half(name); // 16-bit tensors stay as stored until something needs float32
                    if (half != null) {
                        halves.put(name, half);
                    } else {
                        tensors.put(name, f.load(name));
                    }
                }
            }
        }
        return WeightChecks.checked(folder, config, new ModelWeights(names, tensors, halves, folder, files),
                "config.json's num_hidden_layers");
    }

    private static List<SafetensorsFile> openWeightFiles(Path folder) {
        Path single = FolderFiles.inside(folder, "model.safetensors");
        Path index = FolderFiles.inside(folder, INDEX);
        if (Files.isRegularFile(index)) {
            List<SafetensorsFile> out = new ArrayList<>();
            for (Path shard : shardsOf(index, folder)) {
                out.add(SafetensorsFile.open(FolderFiles.inside(folder, shard.getFileName().toString())));
            }
            return out;
        }
        if (Files.isRegularFile(single)) {
            return List.of(SafetensorsFile.open(single));
        }
        for (String pickle : List.of("pytorch_model.bin", "pytorch_model.bin.index.json")) {
            if (Files.exists(folder.resolve(pickle))) {
                throw new CheckpointException(folder.resolve(pickle), "weights", "PyTorch pickle files are never loaded "
                        + "(unpickling runs arbitrary code); convert the model to safetensors, e.g. in Python: "
                        + "AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
            }
        }
        throw new CheckpointException(folder, "weights", "no model.safetensors or " + INDEX + " in the folder");
    }

    /** The distinct shard files an index names, each checked to lie inside the folder. */
    private static Set<Path> shardsOf(Path index, Path folder) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointException(index, "index", "cannot be read as JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new CheckpointException(index, "weight_map", "missing or empty; expected {tensor name: shard file}");
        }
        Path base = folder.toAbsolutePath().normalize();
        Set<Path> shards = new LinkedHashSet<>();
        for (var it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().asText();
            Path p = base.resolve(shard).normalize();
            if (!e.getValue().isTextual() || Path.of(shard).isAbsolute() || !p.startsWith(base) || !p.getParent().equals(base)) {
                throw new CheckpointException(index, "weight_map." + e.getKey(), "'" + shard
                        + "' escapes the model folder; expected a file name inside it");
            }
            if (!Files.isRegularFile(p)) {
                throw new CheckpointException(index, "weight_map." + e.getKey(), "shard '" + shard + "' does not exist");
            }
            shards.add(p);
        }
        return shards;
    }

    /** Saves with the default shard size. */
    public static void save(Checkpoint checkpoint, Path folder) throws IOException {
        save(checkpoint, folder, DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Writes {@code config.json} and the weights as F32 safetensors, sharded with an index when they exceed
     * {@code maxShardBytes}. Each file is written atomically; a tied LM head is not stored twice.
     */
    public static void save(Checkpoint checkpoint, Path folder, long maxShardBytes) throws IOException {
        Files.createDirectories(folder);
        List<Map<String, INDArray>> shards = new ArrayList<>();
        Map<String, INDArray> current = new LinkedHashMap<>();
        long currentBytes = 0, total = 0;
        for (var e : checkpoint.weights().asMap().entrySet()) {
            long bytes = e.getValue().length() * 4;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            total += bytes;
        }
        shards.add(current);
        if (shards.size() == 1) {
            SafetensorsWriter.write(current, folder.resolve("model.safetensors"));
        } else {
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode map = index.putObject("weight_map");
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                SafetensorsWriter.write(shards.get(i), folder.resolve(name));
                shards.get(i).keySet().forEach(k -> map.put(k, name));
            }
            AtomicFiles.write(folder.resolve(INDEX), JSON.writeValueAsBytes(index));
        }
        HfConfig.write(checkpoint.config(), folder.resolve("config.json"));
    }
}
