package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.store.Keys;
import io.github.mubench.tensor.io.FormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code mubench judge}: judges existing {@code {prompt, response}} rows (HarmBench's completions step), so answers
 * of any system are scored the same way. Each output row is the input row plus the judge's {@code label},
 * {@code score} and {@code raw} output; rows are written in batches as they are judged, and a second run into the
 * same output continues after the rows already there, when they come from the same judge, settings and input.
 */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Judge {prompt, response} rows (JSONL; 'behavior' if present is what HarmBench-style judges read as the request).")
final class JudgeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // one object per line: a second one is an error, not dropped

    @Mixin
    JudgeOptions judges;

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE.jsonl")
    Path out;

    @Option(names = "--batch-size", description = "rows per judge batch (default: ${DEFAULT-VALUE})")
    int batchSize = 8;

    @Option(names = "--json", description = "print a summary (rows per label) as JSON to stdout")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<Judge> made = judges.create();
        if (made.size() != 1) {
            throw new IllegalArgumentException("give exactly one --judge");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        Judge judge = made.get(0);
        List<JsonNode> rows = rows();
        String judgeKey = Keys.of(judge.name(), judge.settings());
        Map<String, Integer> labels = new TreeMap<>();
        int done = alreadyJudged(rows, judgeKey, labels);
        try (BufferedWriter w = ResumableJsonl.appender(out)) {
            for (int from = done; from < rows.size(); from += batchSize) {
                List<JsonNode> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
                List<Judge.Case> cases = new ArrayList<>();
                for (JsonNode r : batch) {
                    String prompt = r.get("prompt").asText(), behavior = r.path("behavior").asText(prompt);
                    cases.add(new Judge.Case(behavior, prompt, r.get("response").asText()));
                }
                List<Judge.Verdict> verdicts = judge.judge(cases);
                for (int i = 0; i < batch.size(); i++) {
                    Map<String, Object> row = JSON.convertValue(batch.get(i), LinkedHashMap.class);
                    Judge.Verdict v = verdicts.get(i);
                    row.put("judge", judge.name());
                    row.put("judge_key", judgeKey);
                    row.put("label", v.label());
                    row.put("score", Double.isNaN(v.score()) ? null : v.score());
                    row.put("raw", v.raw());
                    w.write(JSON.writeValueAsString(row));
                    w.newLine();
                    labels.merge(v.label(), 1, Integer::sum);
                }
                w.flush();
                System.err.printf("%s: %d/%d rows%n", judge.name(), Math.min(rows.size(), from + batchSize), rows.size());
            }
        }
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("judge", judge.name());
            summary.put("rows", rows.size());
            summary.put("judged_now", rows.size() - done);
            summary.put("labels", labels);
            System.out.println(Json.write(summary));
        }
        System.err.printf("%s judged %d rows (%d already there): %s; wrote %s%n", judge.name(), rows.size() - done, done, labels, out);
        return 0;
    }

    /**
     * Rows already in the output: each must be the same input row, judged by the same judge with the same settings
     * (its {@code judge_key}); a file of another judge or input is refused, not continued. A last line cut by a kill
     * is cut off (that row is judged again; see {@link ResumableJsonl}). Their labels count into {@code labels}.
     */
    private int alreadyJudged(List<JsonNode> rows, String judgeKey, Map<String, Integer> labels) throws IOException {
        List<JsonNode> lines = ResumableJsonl.completeRows(out, "a judge output");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode done = lines.get(i);
            boolean same = i < rows.size() && judgeKey.equals(done.path("judge_key").asText())
                    && rows.get(i).get("prompt").equals(done.get("prompt")) && rows.get(i).get("response").equals(done.get("response"));
            if (!same) {
                throw new IllegalArgumentException(out + " line " + (i + 1) + " was written by another judge, settings or input; "
                        + "write to a new file");
            }
            labels.merge(done.path("label").asText(), 1, Integer::sum);
        }
        return lines.size();
    }

    private List<JsonNode> rows() {
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw FormatException.unreadable(input, e);
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new FormatException(input, "line " + (i + 1), "is not valid JSON");
            }
            if (!n.path("prompt").isTextual() || !n.path("response").isTextual()) {
                throw new FormatException(input, "line " + (i + 1), "expected {\"prompt\": text, \"response\": text}");
            }
            out.add(n);
        }
        return out;
    }
}
