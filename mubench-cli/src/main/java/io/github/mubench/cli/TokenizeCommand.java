package io.github.mubench.cli;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.tokenizer.HfTokenizer;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mubench tokenize}: the token ids (and pieces) of a text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Token ids of a text.")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--text", required = true)
    String text;

    @Option(names = "--no-special-tokens", description = "do not add BOS/EOS (HF's add_special_tokens=False)")
    boolean noSpecial;

    @Option(names = "--verbose", description = "also print each token's text")
    boolean verbose;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        Tokenizer tok = tokenizer();
        int[] ids = tok.encode(text, !noSpecial);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(tok.decode(new int[]{id}, false));
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ids", ids);
            if (verbose) {
                out.put("pieces", pieces);
            }
            System.out.println(Json.write(out));
        } else if (verbose) {
            for (int i = 0; i < ids.length; i++) {
                System.out.println(ids[i] + "\t" + Json.write(pieces.get(i)));
            }
        } else {
            System.out.println(Arrays.toString(ids));
        }
        return 0;
    }

    /** {@code --tokenizer FILE} alone (tokenizer.json or llama2.c tokenizer.bin), else the model's tokenizer. */
    private Tokenizer tokenizer() {
        Path file = model.tokenizer;
        if (model.model == null && file != null) {
            return file.getFileName().toString().endsWith(".json") ? HfTokenizer.load(file) : Llama2cTokenizer.load(file);
        }
        Tokenizer t = model.load().tokenizer();
        if (t == null) {
            throw new IllegalArgumentException("this model has no tokenizer (no tokenizer.json in the folder, or a GGUF); give --tokenizer");
        }
        return t;
    }
}
