package io.github.mubench.cli;

import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.checkpoint.GgufCheckpoint;
import io.github.mubench.tensor.checkpoint.GgufFile;
import io.github.mubench.tensor.tokenizer.HfTokenizerFiles;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.checkpoint.Llama2cCheckpoint;
import io.github.mubench.tensor.io.Folders;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "a new (or empty) folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (tokenizer != null && from != Format.llama2c) {
            throw new IllegalArgumentException("--tokenizer goes with --from llama2c (a GGUF carries its own)");
        }
        if (Files.exists(out) && !(Files.isDirectory(out) && Folders.isEmpty(out))) {
            throw new IllegalArgumentException("--out " + out + " already exists; convert writes a new folder (or into an empty one)");
        }
        // everything is read and checked before the first file is written: a failure leaves no loadable half-folder
        Checkpoint c = from == Format.llama2c ? Llama2cCheckpoint.load(input) : GgufCheckpoint.load(input);
        Llama2cTokenizer t = tokenizer == null ? null : Llama2cTokenizer.load(tokenizer, c.config().vocabSize());
        GgufFile gguf = from == Format.gguf ? GgufFile.read(input) : null;
        // the folder is built under a hidden name beside --out and renamed at the end: a kill leaves no half model
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
        try {
            HfCheckpoint.save(c, partial);
            if (t != null) {
                HfTokenizerFiles.write(t.toHfTokenizerJson(), "<s>", "</s>", partial);
            } else if (gguf != null) {
                HfTokenizerFiles.writeGguf(gguf, partial);
            }
            if (Files.getFileStore(partial).supportsFileAttributeView("posix")) { // temp folders are private (0700)
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.deleteIfExists(out); // an empty folder (checked above)
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Folders.deleteTree(partial);
        }
        System.err.println("wrote " + out.resolve("config.json") + " and " + c.weights().names().size() + " tensors ("
                + c.config().parameterCount() + " parameters)");
        return 0;
    }
}
