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

    /** Copies the tokenizer and generation files of HF folder {@code from} (those present) into {@code to}. */
    public static void copy(Path from, Path to) throws IOException {
        for (String f : FILES) {
            if (Files.isRegularFile(from.resolve(f))) {
                Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
