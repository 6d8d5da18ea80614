package io.github.mubench.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.checkpoint.GgufFile;
import io.github.mubench.tensor.tokenizer.GgufVocab;
import io.github.mubench.tensor.tokenizer.HfTokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Encode throughput on WikiText-2 (test split, line by line, single thread): our {@link HfTokenizer} against HF
 * tokenizers (Rust, through DJL) loading the very same tokenizer.json. MB/s = 1.29 MB / the reported time.
 * <p>
 * Run from the repository root: {@code java -cp ... org.openjdk.jmh.Main TokenizerBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenizerBench {
    /** {@code phi-3}: SentencePiece-style BPE; {@code gpt-2}: byte-level BPE. */
    @Param({"gpt-2", "phi-3"})
    public String vocab;

    private List<String> lines;
    private HfTokenizer ours;
    private HuggingFaceTokenizer rust;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path data = Path.of("data");
        lines = Files.readAllLines(data.resolve("wikitext2/wiki.test.raw"));
        Path json = Files.createTempFile("tokenizer-", ".json");
        var header = GgufFile.read(data.resolve("llamacpp_vocab/ggml-vocab-" + vocab + ".gguf"));
        new ObjectMapper().writeValue(json.toFile(), GgufVocab.toTokenizerJson(header));
        ours = HfTokenizer.load(json);
        rust = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "modelMaxLength", "1000000"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rust.close();
    }

    @Benchmark
    public long mubench() {
        long n = 0;
        for (String line : lines) {
            n += ours.encode(line, false).length;
        }
        return n;
    }

    @Benchmark
    public long hfTokenizersRust() {
        long n = 0;
        for (String line : lines) {
            n += rust.encode(line, false, false).getIds().length;
        }
        return n;
    }
}
