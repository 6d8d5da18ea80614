package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes or copies the tokenizer files of an HF model folder. */
public final class HfTokenizerFiles {
    /** The files that travel with a model's weights when it is saved again. */
    private static final String[] FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json"};

    private HfTokenizerFiles() {
    }

    /** Writes {@code tokenizer.json} and a {@code tokenizer_config.json} naming BOS/EOS (either may be null). */
    public static void write(ObjectNode tokenizerJson, String bos, String eos, Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(dir.resolve("tokenizer.json"), json.writeValueAsBytes(tokenizerJson));
        ObjectNode config = json.createObjectNode();
        if (bos != null) {
            config.put("bos_token", bos);
        }
        if (eos != null) {
            config.put("eos_token", eos);
        }
        AtomicFiles.write(dir.resolve("tokenizer_config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }

    /**
     * Writes the tokenizer of a GGUF file's {@code tokenizer.ggml.*} metadata as {@code tokenizer.json} and
     * {@code tokenizer_config.json}; nothing when the file carries no tokenizer.
     */
    public static void writeGguf(io.github.mubench.tensor.checkpoint.GgufFile gguf, Path dir) throws IOException {
        var meta = gguf.metadata();
        if (meta.containsKey("tokenizer.ggml.model")) {
            write(GgufVocab.toTokenizerJson(gguf), tokenName(meta, "bos"), tokenName(meta, "eos"), dir);
        }
    }

    private static String tokenName(java.util.Map<String, Object> meta, String which) {
        Object id = meta.get("tokenizer.ggml." + which + "_token_id");
        return id instanceof Number n && meta.get("tokenizer.ggml.tokens") instanceof java.util.List<?> tokens
                && n.intValue() >= 0 && n.intValue() < tokens.size() ? String.valueOf(tokens.get(n.intValue())) : null;
    }

    /** Copies the tokenizer and generation files of HF folder {@code from} (those present) into {@code to}. */
    public static void copy(Path from, Path to) throws IOException {
        for (String f : FILES) {
            Path file = io.github.mubench.tensor.io.FolderFiles.inside(from, f); // a link out of the folder is refused, not copied
            if (Files.isRegularFile(file)) {
                Files.copy(file, to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
