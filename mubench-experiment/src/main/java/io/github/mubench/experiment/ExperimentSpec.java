package io.github.mubench.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An experiment as a file states it (YAML, or JSON by extension). Keys are snake_case; an unknown key is an error
 * that names it, where it is, and the keys that are known there. Relative paths are resolved against the file's
 * folder. A list where one value is expected (method parameters, training settings) is a sweep: every combination
 * runs.
 * <pre>{@code
 * name: npo-sweep
 * models:
 *   - {name: qwen, path: /models/Qwen2.5-0.5B-Instruct}
 * data:
 *   forget: {dataset: advbench, limit: 200}
 *   retain: {dataset: gsm8k, split: train, limit: 200}
 * methods:
 *   - {method: npo, params: {beta: [0.05, 0.1, 0.2]}, training: {lr: [1e-5, 5e-5]}}
 *   - {method: ga}
 * training: {steps: 50}
 * evaluation:
 *   tasks: ["advbench:attacks=none+refusal_suppression", xstest, mmlu]
 *   judges: [keyword, xstest_strmatch]
 *   limit: 100
 * seeds: [0, 1]
 * }</pre>
 *
 * @param name       the experiment's name (default: the file's name)
 * @param out        the output folder (the command line may give it instead)
 * @param models     the models to unlearn
 * @param data       the forget and retain data
 * @param methods    the methods, with their parameters and training settings (lists sweep)
 * @param training   training settings every method starts from (lists sweep)
 * @param evaluation what every model (base and unlearned) is evaluated on
 * @param seeds      seeds of every setting (default: 0)
 */
public record ExperimentSpec(String name, String out, List<ModelSpec> models, DataSpec data, List<MethodSpec> methods,
                             Map<String, Object> training, EvaluationSpec evaluation, List<Long> seeds) {

    /**
     * A model.
     *
     * @param name      how the report names it (default: the file or folder name)
     * @param path      an HF folder, a llama2.c {@code .bin} (with {@code tokenizer}) or a {@code .gguf} file;
     *                  {@code stories260K} for the bundled model
     * @param tokenizer a llama2.c {@code tokenizer.bin}, for llama2.c checkpoints
     */
    public record ModelSpec(String name, String path, String tokenizer) {
    }

    /**
     * Forget and retain data.
     *
     * @param forget        the harmful (prompt, response) pairs to forget
     * @param retain        benign pairs to keep (methods with retain terms need them)
     * @param refusalText   the refusal of methods with refusal rows (default: the model's own greedy reply)
     * @param refusalTokens length of the model's own reply used as a refusal (default 64)
     */
    public record DataSpec(SourceSpec forget, SourceSpec retain, String refusalText, Integer refusalTokens) {
    }

    /**
     * Where pairs come from: a bundled dataset (harmful prompts with their targets for forget sets; math problems
     * with solutions or multiple-choice questions with their answer for retain sets) or a JSONL file of
     * {@code {prompt, response}}. Pairs whose prompt the evaluation uses are left out.
     *
     * @param dataset a bundled dataset name
     * @param split   its split (default: the first)
     * @param file    instead of a dataset: a JSONL file
     * @param limit   the first this many pairs (default: all)
     */
    public record SourceSpec(String dataset, String split, String file, Integer limit) {
    }

    /**
     * One method.
     *
     * @param method   its name ({@code mubench unlearn --list})
     * @param label    how the report names it (default: the method's name)
     * @param params   its parameters; a list is a sweep
     * @param training training settings over the experiment's; a list is a sweep
     */
    public record MethodSpec(String method, String label, Map<String, Object> params, Map<String, Object> training) {
    }

    /**
     * The evaluation.
     *
     * @param suite     a bundled suite or a suite file (instead of, or before, {@code tasks})
     * @param tasks     task specs, as {@code --task} takes them
     * @param judges    judges: a name, or {@code {name, model, settings}}
     * @param limit     items per task (default: all)
     * @param batchSize requests per model batch (default 8)
     */
    public record EvaluationSpec(String suite, List<String> tasks, List<JudgeSpec> judges, Integer limit, Integer batchSize) {
    }

    /**
     * A judge.
     *
     * @param name     its name ({@code mubench eval --list})
     * @param model    the judge model's path, for judges that need one
     * @param settings its settings
     */
    public record JudgeSpec(String name, String model, Map<String, String> settings) {
        /** The same as {@code {name: NAME}}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static JudgeSpec named(String name) {
            return new JudgeSpec(name, null, Map.of());
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public JudgeSpec {
            settings = settings == null ? Map.of() : Map.copyOf(settings);
        }
    }

    private static ObjectMapper mapper(Path file) {
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return (json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory()))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    }

    /**
     * Reads an experiment file.
     *
     * @throws FormatException naming the file, the line and the key at fault, and what was expected
     */
    public static ExperimentSpec read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
        ExperimentSpec spec;
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)#.*$", "").isBlank()) {
            throw new FormatException(file, null, "is empty; expected an experiment (models, data, methods, evaluation)");
        }
        try {
            spec = mapper(file).readValue(bytes, ExperimentSpec.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new FormatException(file, where(e), "unknown key '" + e.getPropertyName() + "'; known here: " + known, e);
        } catch (JsonMappingException e) {
            throw new FormatException(file, where(e), e.getOriginalMessage().lines().findFirst().orElse("invalid value"), e);
        } catch (JsonProcessingException e) {
            throw new FormatException(file, where(e), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
        if (spec == null) {
            throw new FormatException(file, null, "is empty; expected an experiment (models, data, methods, evaluation)");
        }
        return spec;
    }

    private static String where(JsonProcessingException e) {
        String at = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String path = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return (at.isEmpty() ? "" : at + ", ") + path;
        }
        return at.isEmpty() ? null : at;
    }
}
