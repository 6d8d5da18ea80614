package io.github.mubench.tensor.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The tokenizer files the tests use, from the repository's {@code data/} folder. */
final class TokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {
    }

    static Path phi3() {
        return TokenizerCorpus.DATA.resolve("phi3_tokenizer/tokenizer.json");
    }

    /**
     * GPT-2's tokenizer.json, assembled from vocab.json + merges.txt the way transformers' GPT2TokenizerFast
     * converts them: ByteLevel pre-tokenizer without prefix space, BPE, ByteLevel decoder, {@code <|endoftext|>}.
     */
    static Path gpt2(Path dir) throws IOException {
        Path out = dir.resolve("gpt2-tokenizer.json");
        if (Files.exists(out)) {
            return out;
        }
        JsonNode vocab = JSON.readTree(TokenizerCorpus.DATA.resolve("gpt2_tokenizer/vocab.json").toFile());
        List<String> merges = Files.readAllLines(TokenizerCorpus.DATA.resolve("gpt2_tokenizer/merges.txt")).stream()
                .filter(l -> !l.startsWith("#version") && !l.isBlank()).toList();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eot = root.putArray("added_tokens").addObject();
        eot.put("id", 50256).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", true).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").put("continuing_subword_prefix", "")
                .put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false);
        model.set("vocab", vocab);
        var m = model.putArray("merges");
        merges.forEach(m::add);
        JSON.writeValue(out.toFile(), root);
        return out;
    }
}
