package io.github.mubench.tensor.checkpoint;

import io.github.mubench.tensor.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RopeScaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and writes HF {@code config.json} for the Llama family, with HF's defaults for absent fields. */
public final class HfConfig {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String> ARCHITECTURES = Map.of(
            "llama", "LlamaForCausalLM", "mistral", "MistralForCausalLM", "qwen2", "Qwen2ForCausalLM");

    private HfConfig() {
    }

    /** Parses {@code config.json}; every missing or unsupported field is reported by name. */
    public static LlamaConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file, "config", "cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file, "config", "expected a JSON object");
        }
        return parse(file, root);
    }

    /**
     * The config with the end-of-sequence ids of {@code generation_config.json} added (chat models such as
     * Llama-3-Instruct list their end-of-turn token there, not in {@code config.json}).
     */
    public static LlamaConfig withGenerationConfig(LlamaConfig config, Path generationConfig) {
        JsonNode root;
        try {
            root = JSON.readTree(generationConfig.toFile());
        } catch (IOException e) {
            throw new CheckpointException(generationConfig, "generation_config", "cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(generationConfig, "generation_config", "expected a JSON object");
        }
        java.util.LinkedHashSet<Integer> eos = new java.util.LinkedHashSet<>(config.eosTokenIds());
        eos.addAll(eosIds(generationConfig, root.get("eos_token_id")));
        return config.withEosTokenIds(List.copyOf(eos));
    }

    static LlamaConfig parse(Path file, JsonNode n) {
        var f = new Fields(file, n);
        String type = f.text("model_type");
        if (!LlamaConfig.SUPPORTED_MODEL_TYPES.contains(type)) {
            throw new CheckpointException(file, "model_type", "'" + type + "' is not supported; supported: "
                    + LlamaConfig.SUPPORTED_MODEL_TYPES);
        }
        int hidden = f.positiveInt("hidden_size", null);
        int heads = f.positiveInt("num_attention_heads", null);
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        int headDim = f.positiveInt("head_dim", hidden / heads);
        if (headDim < 1) { // the default, hidden_size / num_attention_heads, rounds to 0 when heads outnumber the width
            throw new CheckpointException(file, "num_attention_heads", heads + " is more than hidden_size " + hidden
                    + "; expected at most one head per dimension");
        }
        if (heads % kvHeads != 0) {
            throw new CheckpointException(file, "num_key_value_heads", kvHeads + " does not divide num_attention_heads "
                    + heads + "; expected a divisor");
        }
        if (headDim % 2 != 0) {
            throw new CheckpointException(file, "head_dim", headDim + "; expected an even width for RoPE");
        }
        boolean qwen = type.equals("qwen2");
        if (!qwen && f.bool("attention_bias", false)) {
            throw new CheckpointException(file, "attention_bias", "true is not supported for " + type + "; expected false");
        }
        if (f.bool("mlp_bias", false)) {
            throw new CheckpointException(file, "mlp_bias", "true is not supported; expected false");
        }
        if (!f.text("hidden_act", "silu").equals("silu")) {
            throw new CheckpointException(file, "hidden_act", "'" + f.text("hidden_act", "") + "' is not supported; expected silu");
        }
        Integer window = null;
        if (type.equals("mistral")) {
            window = f.optionalPositiveInt("sliding_window");
        } else if (qwen && f.bool("use_sliding_window", false)) {
            throw new CheckpointException(file, "use_sliding_window", "true is not supported for qwen2; expected false");
        }
        int defaultMaxPos = switch (type) {
            case "mistral" -> 4096 * 32;
            case "qwen2" -> 32768;
            default -> 2048;
        };
        LlamaConfig config = new LlamaConfig(type,
                f.positiveInt("vocab_size", null),
                hidden,
                f.positiveInt("intermediate_size", null),
                f.positiveInt("num_hidden_layers", null),
                heads, kvHeads, headDim,
                f.number("rms_norm_eps", 1e-6),
                f.number("rope_theta", qwen ? 1e6 : 10000.0),
                ropeScaling(file, n.get("rope_scaling")),
                f.positiveInt("max_position_embeddings", defaultMaxPos),
                f.bool("tie_word_embeddings", false),
                qwen,
                window,
                f.intOr("bos_token_id", -1),
                eosIds(file, n.get("eos_token_id")));
        WeightChecks.requireSaneConfig(file, config, "rms_norm_eps", "rope_theta");
        JsonNode bos = n.get("bos_token_id");
        if (bos != null && !bos.isNull() && (config.bosTokenId() < 0 || config.bosTokenId() >= config.vocabSize())) {
            throw new CheckpointException(file, "bos_token_id", bos + "; expected a token id in 0.." + (config.vocabSize() - 1));
        }
        for (int eos : config.eosTokenIds()) {
            if (eos < 0 || eos >= config.vocabSize()) {
                throw new CheckpointException(file, "eos_token_id", eos + "; expected token ids in 0.." + (config.vocabSize() - 1));
            }
        }
        return config;
    }

    private static RopeScaling ropeScaling(Path file, JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        var f = new Fields(file, s);
        String type = s.has("rope_type") ? f.text("rope_type") : f.text("type");
        if (!RopeScaling.SUPPORTED.contains(type)) {
            throw new CheckpointException(file, "rope_scaling.rope_type", "'" + type + "' is not supported; supported: "
                    + RopeScaling.SUPPORTED);
        }
        if (type.equals("default")) {
            return null;
        }
        double factor = f.number("factor", Double.NaN);
        if (!(factor > 0)) {
            throw new CheckpointException(file, "rope_scaling.factor", "missing or not positive; expected a number > 0");
        }
        if (type.equals("linear")) {
            return new RopeScaling(type, factor, 0, 0, 0);
        }
        return new RopeScaling(type, factor, f.number("low_freq_factor", 1.0), f.number("high_freq_factor", 4.0),
                f.positiveInt("original_max_position_embeddings", 8192));
    }

    private static List<Integer> eosIds(Path file, JsonNode e) {
        List<Integer> ids = new ArrayList<>();
        if (e == null || e.isNull()) {
            return ids;
        }
        if (e.isInt()) {
            ids.add(e.asInt());
        } else if (e.isArray()) {
            e.forEach(x -> {
                if (!x.isInt()) {
                    throw new CheckpointException(file, "eos_token_id", e + "; expected an integer or a list of integers");
                }
                ids.add(x.asInt());
            });
        } else {
            throw new CheckpointException(file, "eos_token_id", e + "; expected an integer or a list of integers");
        }
        return ids;
    }

    /** Writes {@code config.json} that this runtime and HF transformers both read. */
    public static void write(LlamaConfig c, Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(ARCHITECTURES.get(c.modelType()));
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        o.put("head_dim", c.headDim());
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("rope_theta", c.ropeTheta());
        if (c.ropeScaling() == null) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode s = o.putObject("rope_scaling");
            s.put("rope_type", c.ropeScaling().type());
            s.put("factor", c.ropeScaling().factor());
            if (c.ropeScaling().type().equals("llama3")) {
                s.put("low_freq_factor", c.ropeScaling().lowFreqFactor());
                s.put("high_freq_factor", c.ropeScaling().highFreqFactor());
                s.put("original_max_position_embeddings", c.ropeScaling().originalMaxPositionEmbeddings());
            }
        }
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        if (c.modelType().equals("mistral")) {
            if (c.slidingWindow() == null) {
                o.putNull("sliding_window");
            } else {
                o.put("sliding_window", c.slidingWindow());
            }
        }
        if (c.bosTokenId() >= 0) {
            o.put("bos_token_id", c.bosTokenId());
        }
        if (c.eosTokenIds().size() == 1) {
            o.put("eos_token_id", c.eosTokenIds().get(0));
        } else if (!c.eosTokenIds().isEmpty()) {
            c.eosTokenIds().forEach(o.putArray("eos_token_id")::add);
        }
        o.put("torch_dtype", "float32");
        AtomicFiles.write(file, JSON.writeValueAsBytes(o));
    }

    /** Typed access to JSON fields with errors that name the field. */
    private record Fields(Path file, JsonNode node) {
        String text(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isTextual()) {
                throw new CheckpointException(file, name, (v == null ? "missing" : v.toString()) + "; expected a string");
            }
            return v.asText();
        }

        String text(String name, String dflt) {
            return node.has(name) && !node.get(name).isNull() ? text(name) : dflt;
        }

        int positiveInt(String name, Integer dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (dflt == null) {
                    throw new CheckpointException(file, name, "missing; expected a positive integer");
                }
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new CheckpointException(file, name, v + "; expected a positive integer");
            }
            return v.asInt();
        }

        Integer optionalPositiveInt(String name) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? null : positiveInt(name, null);
        }

        int intOr(String name, int dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new CheckpointException(file, name, v + "; expected an integer");
            }
            return v.asInt();
        }

        /** A number with a default when the key is absent; an explicit null is refused (HF would compute with None). */
        double number(String name, double dflt) {
            JsonNode v = node.get(name);
            if (v == null) {
                return dflt;
            }
            if (!v.isNumber()) {
                throw new CheckpointException(file, name, v + "; expected a number");
            }
            return v.asDouble();
        }

        boolean bool(String name, boolean dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new CheckpointException(file, name, v + "; expected true or false");
            }
            return v.asBoolean();
        }
    }
}
