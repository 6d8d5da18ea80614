package io.github.mubench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mubench.tensor.checkpoint.AtomicFiles;
import io.github.mubench.tensor.checkpoint.Checkpoint;
import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mubench convert}: a llama2.c or GGUF checkpoint to an HF folder. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a llama2.c or GGUF checkpoint into an HF folder (config.json + model.safetensors).")
final class ConvertCommand implements Callable<Integer> {
    enum Format { llama2c, gguf }

    @Option(names = "--from", required = true, description = "input format: ${COMPLETION-CANDIDATES}")
    Format from;

    @Option(names = "--input", required = true, paramLabel = "FILE")
    Path input;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "llama2.c tokenizer.bin, written beside the weights as an equivalent tokenizer.json")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    /** tokenizer.json and a tokenizer_config.json naming BOS/EOS, as an HF Llama tokenizer would have. */
    static void writeTokenizer(Llama2cTokenizer tok, Path out) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(out.resolve("tokenizer.json"), json.writeValueAsBytes(tok.toHfTokenizerJson()));
        ObjectNode config = json.createObjectNode();
        config.put("tokenizer_class", "LlamaTokenizer").put("bos_token", "<s>").put("eos_token", "</s>")
                .put("unk_token", "<unk>").put("add_bos_token", true).put("add_eos_token", false);
        AtomicFiles.write(out.resolve("tokenizer_config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }

    @Override
    public Integer call() throws Exception {
        Checkpoint c = from == Format.llama2c ? Llama2cCheckpoint.load(input) : GgufCheckpoint.load(input);
        HfCheckpoint.save(c, out);
        if (tokenizer != null) {
            if (from != Format.llama2c) {
                throw new IllegalArgumentException("--tokenizer goes with --from llama2c");
            }
            writeTokenizer(Llama2cTokenizer.load(tokenizer, c.config().vocabSize()), out);
        }
        System.err.println("wrote " + out.resolve("config.json") + " and " + c.weights().asMap().size() + " tensors ("
                + c.config().parameterCount() + " parameters)");
        return 0;
    }
}
