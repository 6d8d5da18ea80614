package io.github.mubench.tensor.tokenizer;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The parity corpus: every XSTest prompt, every AdvBench behaviour and target, every MMLU test question with its
 * choices, and hand-made edge cases. Read from the repository's {@code data/} folder.
 */
final class TokenizerCorpus {
    static final Path DATA = Path.of("..", "data");

    private TokenizerCorpus() {
    }

    static List<String> edgeCases() {
        return List.of("", " ", "  ", "   leading", "trailing   ", "multiple   inner    spaces", "tab\tseparated\t",
                "new\nline", "\n\nleading newlines", "windows\r\nline", "mixed \t\n whitespace \n\t ",
                "emoji 😀👍🏽 and 🇺🇳 flags", "4-byte 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math", "中文字符和日本語のテキスト", "한국어 텍스트",
                "combining: e\u0301 a\u0308 n\u0303 \u0915\u094D\u0937", "Ünïcödé Ñoño façade", "digits 1234567890 3.14159 1,000,000",
                "supercalifragilisticexpialidociousantidisestablishmentarianism" + "x".repeat(200),
                "text with <s> and </s> inside", "<|endoftext|> at start", "end <|endoftext|>", "<|user|>\nHello<|end|>\n<|assistant|>\n",
                "don't won't it's I'm you're we've they'll he'd", "'s 'S 's's", "CAPS and MiXeD", "a", "?!.,;:",
                "http://example.com/path?query=1&b=2", "email@example.com", "   ", "\u00A0non-breaking\u00A0space",
                "zero\u200Bwidth", "right-to-left עברית العربية", "code: def f(x):\n    return x ** 2\n");
    }

    /** Edge cases, XSTest prompts and AdvBench behaviours and targets. */
    static List<String> safetyPrompts() throws IOException {
        List<String> out = new ArrayList<>(edgeCases());
        out.addAll(column(DATA.resolve("xstest/xstest_prompts.csv"), "prompt"));
        out.addAll(column(DATA.resolve("advbench/harmful_behaviors.csv"), "goal"));
        out.addAll(column(DATA.resolve("advbench/harmful_behaviors.csv"), "target"));
        return out;
    }

    /** {@link #safetyPrompts()} and every MMLU test question with its choices. */
    static List<String> all() throws IOException {
        List<String> out = safetyPrompts();
        try (Stream<Path> files = Files.list(DATA.resolve("mmlu/test"))) {
            for (Path f : files.sorted().toList()) {
                for (CSVRecord r : records(f)) {
                    out.add(r.get("question") + "\nA. " + r.get("choice0") + "\nB. " + r.get("choice1")
                            + "\nC. " + r.get("choice2") + "\nD. " + r.get("choice3") + "\nAnswer:");
                }
            }
        }
        return out;
    }

    private static List<String> column(Path file, String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (CSVRecord r : records(file)) {
            out.add(r.get(name));
        }
        return out;
    }

    private static List<CSVRecord> records(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords();
        }
    }
}
