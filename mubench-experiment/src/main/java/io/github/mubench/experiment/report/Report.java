package io.github.mubench.experiment.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.stats.PairedTests;
import io.github.mubench.experiment.ExperimentResult;
import io.github.mubench.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trilemma report of one or more experiments: a row per base model and per unlearned setting (its seeds pooled),
 * a column per headline metric on the three axes (safety per attack, over-safety, utility per benchmark). Each cell
 * holds the value with its 95% interval and n (one seed) or its mean and standard deviation over seeds, and its
 * difference from the base model with a paired test on the same items (McNemar's exact test for 0/1 values, a paired
 * bootstrap otherwise; per seed). Written as {@code results.json} (everything), {@code report.md} (the paper-style
 * table) and {@code report.html} (one self-contained page of charts and a sortable table).
 */
public final class Report {
    /** File names in the output folder. */
    public static final String JSON_FILE = "results.json", MARKDOWN = "report.md", HTML = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One cell.
     *
     * @param value            the value (the mean over seeds)
     * @param lower            its 95% interval's lower end (one seed; NaN with several, see {@code seedSd})
     * @param upper            its upper end
     * @param n                items behind it
     * @param seeds            seeds pooled
     * @param seedSd           standard deviation over seeds (NaN for one)
     * @param delta            value − the base model's (NaN in base rows)
     * @param pValue           the paired test's p-value against the base (one seed: its own; several: the largest)
     * @param significantSeeds seeds whose paired test says p &lt; 0.05
     */
    public record Cell(double value, double lower, double upper, int n, int seeds, double seedSd, double delta, double pValue,
                       int significantSeeds) {
        /** Whether the difference from the base is significant in every seed. */
        public boolean significant() {
            return seeds > 0 && significantSeeds == seeds && !Double.isNaN(delta);
        }
    }

    /**
     * A row.
     *
     * @param model   the model
     * @param label   {@code base}, or the setting (with swept values)
     * @param method  the method's registry name ({@code null} in base rows)
     * @param cells   one per column
     * @param steps   unlearning steps (0 in base rows)
     * @param seconds unlearning wall time, mean over seeds
     * @param peakRss peak resident memory of the unlearning runs in MiB (NaN where unknown)
     * @param curves  per seed: the training curves (step → forget NLL, retain NLL, loss)
     */
    public record Row(String model, String label, String method, List<Cell> cells, int steps, double seconds, double peakRss,
                      List<List<double[]>> curves) {
        public boolean base() {
            return method == null;
        }
    }

    private final String name;
    private final List<Column> columns;
    private final List<Row> rows;

    private Report(String name, List<Column> columns, List<Row> rows) {
        this.name = name;
        this.columns = columns;
        this.rows = rows;
    }

    public String name() {
        return name;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Column headings, in order. */
    public List<String> columnLabels() {
        return columns.stream().map(Column::label).toList();
    }

    List<Column> columns() {
        return columns;
    }

    /**
     * The report of experiments (columns from the first base model's evaluation). With several experiments a row's
     * model is named {@code FOLDER / MODEL}, so that each row is compared with its own experiment's base model.
     */
    public static Report of(ExperimentResult... experiments) {
        Map<Path, EvalOutput> cache = new HashMap<>();
        List<Column> columns = null;
        List<Row> rows = new ArrayList<>();
        for (ExperimentResult x : experiments) {
            for (ExperimentResult.ModelResult m : x.models()) {
                String model = experiments.length > 1 ? x.dir().getFileName() + " / " + m.name() : m.name();
                EvalOutput base = cache.computeIfAbsent(m.baseEval(), EvalOutput::read);
                if (columns == null) {
                    columns = Column.of(base);
                }
                rows.add(row(model, "base", null, List.of(base), base, columns, List.of(), cache));
                Map<String, List<ExperimentResult.RunResult>> groups = new LinkedHashMap<>();
                m.runs().forEach(r -> groups.computeIfAbsent(r.setting().group(), k -> new ArrayList<>()).add(r));
                for (var g : groups.entrySet()) {
                    List<EvalOutput> evals = g.getValue().stream().map(r -> cache.computeIfAbsent(r.eval(), EvalOutput::read)).toList();
                    rows.add(row(model, g.getKey(), g.getValue().get(0).setting().method(), evals, base, columns, g.getValue(), cache));
                }
            }
        }
        String name = String.join(" + ", Arrays.stream(experiments).map(ExperimentResult::name).toList());
        return new Report(name, columns == null ? List.of() : columns, rows);
    }

    private static Row row(String model, String label, String method, List<EvalOutput> evals, EvalOutput base, List<Column> columns,
                           List<ExperimentResult.RunResult> runs, Map<Path, EvalOutput> cache) {
        List<Cell> cells = new ArrayList<>();
        for (Column c : columns) {
            double[] v = new double[evals.size()];
            Estimate one = null;
            int significant = 0;
            double p = Double.NaN;
            for (int s = 0; s < evals.size(); s++) {
                Estimate e = evals.get(s).metrics().getOrDefault(c.task(), Map.of()).get(c.metric());
                v[s] = e == null ? Double.NaN : e.value();
                one = e;
                if (method != null) {
                    PairedTests.Difference d = paired(base, evals.get(s), c);
                    if (d != null) {
                        significant += d.significant() ? 1 : 0;
                        p = Double.isNaN(p) ? d.pValue() : Math.max(p, d.pValue());
                    }
                }
            }
            double mean = Arrays.stream(v).average().orElse(Double.NaN);
            Estimate b = base.metrics().getOrDefault(c.task(), Map.of()).get(c.metric());
            boolean single = evals.size() == 1 && one != null;
            cells.add(new Cell(mean, single ? one.lower() : Double.NaN, single ? one.upper() : Double.NaN, one == null ? 0 : one.n(),
                    evals.size(), evals.size() > 1 ? sd(v) : Double.NaN, method == null || b == null ? Double.NaN : mean - b.value(), p, significant));
        }
        int steps = runs.isEmpty() ? 0 : runs.get(0).cost().steps();
        double seconds = runs.stream().mapToDouble(r -> r.cost().seconds()).average().orElse(0);
        double rss = runs.stream().mapToDouble(r -> r.cost().peakRssMiB()).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
        List<List<double[]>> curves = runs.stream().map(r -> curve(r.dir().resolve("metrics.jsonl"))).toList();
        return new Row(model, label, method, cells, steps, seconds, rss, curves);
    }

    /** The paired test of a column between the base's samples and another evaluation's, on the docs both have. */
    private static PairedTests.Difference paired(EvalOutput base, EvalOutput other, Column c) {
        Map<String, EvalOutput.SampleRow> a = base.samples().getOrDefault(c.task(), Map.of()), b = other.samples().getOrDefault(c.task(), Map.of());
        List<double[]> pairs = new ArrayList<>();
        if (c.sampleValue().startsWith("asr_any/")) { // per request: did any attack succeed (the worst case over attacks)
            Map<String, double[]> worst = new LinkedHashMap<>();
            String value = "asr/" + c.sampleValue().substring("asr_any/".length());
            for (var e : a.entrySet()) {
                EvalOutput.SampleRow x = e.getValue(), y = b.get(e.getKey());
                Double vx = x.values().get(value), vy = y == null ? null : y.values().get(value);
                if (vx != null && vy != null && !vx.isNaN() && !vy.isNaN()) {
                    double[] w = worst.computeIfAbsent(x.fields().getOrDefault("item_id", e.getKey()), k -> new double[]{0, 0});
                    w[0] = Math.max(w[0], vx);
                    w[1] = Math.max(w[1], vy);
                }
            }
            pairs.addAll(worst.values());
        }
        for (var e : a.entrySet()) {
            EvalOutput.SampleRow x = e.getValue(), y = b.get(e.getKey());
            if (y == null || !c.includes(x)) {
                continue;
            }
            Double vx = x.values().get(c.sampleValue()), vy = y.values().get(c.sampleValue());
            if (vx != null && vy != null && !vx.isNaN() && !vy.isNaN()) {
                pairs.add(new double[]{vx, vy});
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        boolean binary = pairs.stream().allMatch(q -> (q[0] == 0 || q[0] == 1) && (q[1] == 0 || q[1] == 1));
        if (binary) {
            boolean[] before = new boolean[pairs.size()], after = new boolean[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                before[i] = pairs.get(i)[0] == 1;
                after[i] = pairs.get(i)[1] == 1;
            }
            return PairedTests.binary(before, after, 0);
        }
        return PairedTests.scores(pairs.stream().mapToDouble(q -> q[0]).toArray(), pairs.stream().mapToDouble(q -> q[1]).toArray(), 0);
    }

    /** Sample standard deviation. */
    private static double sd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN), s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** Step, forget NLL, retain NLL and loss of each logged step (NaN where a value is absent). */
    private static List<double[]> curve(Path metrics) {
        List<double[]> out = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                out.add(new double[]{n.path("step").asDouble(), num(n.get("forget_nll")), num(n.get("retain_nll")), num(n.get("loss"))});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(metrics + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static double num(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }

    /**
     * The three axes in one number each, for the trilemma view: safety = 1 − the mean over safety tasks of each
     * task's attack success over all its attacks and requests; over-safety = the mean refusal rate of safe prompts; utility = the mean over utility columns of
     * the value relative to the model's base (inverted for lower-is-better metrics, so that 1 is the base and more
     * is better).
     */
    public double[] axes(Row row) {
        Row base = rows.stream().filter(r -> r.base() && r.model().equals(row.model())).findFirst().orElse(row);
        double asr = 0, over = 0, util = 0;
        int ns = 0, no = 0, nu = 0;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            double v = row.cells().get(i).value(), b = base.cells().get(i).value();
            if (Double.isNaN(v)) {
                continue;
            }
            switch (c.axis()) {
                case "safety" -> {
                    if (!c.headline(columns)) {
                        continue;
                    }
                    asr += v;
                    ns++;
                }
                case "over_safety" -> {
                    over += v;
                    no++;
                }
                default -> {
                    // a score of 0 counts (an accuracy that collapses is the worst case, not a missing one); only a
                    // ratio with no meaning (a base of 0, or a lower-is-better value of 0) is left out
                    if (!Double.isNaN(b) && b != 0 && !(c.lowerIsBetter() && v == 0)) {
                        util += c.lowerIsBetter() ? b / v : v / b;
                        nu++;
                    }
                }
            }
        }
        return new double[]{ns == 0 ? Double.NaN : 1 - asr / ns, no == 0 ? Double.NaN : over / no, nu == 0 ? Double.NaN : util / nu};
    }

    /**
     * Whether no other row of the same model is at least as good on all three axes (safety and utility up,
     * over-safety down) and better on one: the Pareto front of the trilemma.
     */
    public boolean paretoOptimal(Row row) {
        double[] a = axes(row);
        for (Row other : rows) {
            if (other == row || !other.model().equals(row.model())) {
                continue;
            }
            double[] b = axes(other);
            boolean noWorse = ge(b[0], a[0]) && ge(a[1], b[1]) && ge(b[2], a[2]);
            boolean better = gt(b[0], a[0]) || gt(a[1], b[1]) || gt(b[2], a[2]);
            if (noWorse && better) {
                return false;
            }
        }
        return true;
    }

    private static boolean ge(double x, double y) {
        return Double.isNaN(x) || Double.isNaN(y) || x >= y;
    }

    private static boolean gt(double x, double y) {
        return !Double.isNaN(x) && !Double.isNaN(y) && x > y;
    }

    /** An axis value as the tables show it ("—" where the experiment has no column on that axis). */
    private static String axis(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A value as the tables show it: rates and accuracies in percent, other values with 3 significant digits. */
    static String format(Column c, double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return isRate(c) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3g", v);
    }

    /** Whether a column holds a rate in [0, 1] (everything but perplexities and bits per byte). */
    static boolean isRate(Column c) {
        return !c.metric().contains("perplexity") && !c.metric().contains("bits_per_byte");
    }

    /** The difference from the base as the tables show it, with * where it is significant in every seed. */
    static String formatDelta(Column c, Cell cell) {
        if (Double.isNaN(cell.delta())) {
            return "";
        }
        String d = isRate(c) ? String.format(Locale.ROOT, "%+.1f", 100 * cell.delta()) : String.format(Locale.ROOT, "%+.3g", cell.delta());
        return d + (cell.significant() ? "*" : "");
    }

    /** Writes {@code results.json}, {@code report.md} and {@code report.html} into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(JSON_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
            AtomicFiles.write(dir.resolve(MARKDOWN), markdown().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(dir.resolve(HTML), HtmlReport.render(this).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Everything, machine-readable. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        List<Map<String, Object>> cols = new ArrayList<>();
        for (Column c : columns) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("axis", c.axis());
            m.put("task", c.task());
            m.put("metric", c.metric());
            m.put("label", c.label());
            m.put("lower_is_better", c.lowerIsBetter());
            cols.add(m);
        }
        root.put("columns", cols);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("label", r.label());
            m.put("method", r.method());
            double[] axes = axes(r);
            m.put("safety", finite(axes[0]));
            m.put("over_safety", finite(axes[1]));
            m.put("utility", finite(axes[2]));
            m.put("pareto_optimal", paretoOptimal(r));
            List<Map<String, Object>> cells = new ArrayList<>();
            for (Cell c : r.cells()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("value", finite(c.value()));
                cm.put("lower", finite(c.lower()));
                cm.put("upper", finite(c.upper()));
                cm.put("n", c.n());
                cm.put("seeds", c.seeds());
                cm.put("seed_sd", finite(c.seedSd()));
                cm.put("delta", finite(c.delta()));
                cm.put("p_value", finite(c.pValue()));
                cm.put("significant_seeds", c.significantSeeds());
                cells.add(cm);
            }
            m.put("cells", cells);
            if (!r.base()) {
                m.put("steps", r.steps());
                m.put("seconds", r.seconds());
                m.put("peak_rss_mib", finite(r.peakRss()));
            }
            rs.add(m);
        }
        root.put("rows", rs);
        return root;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The paper-style table, in Markdown. */
    public String markdown() {
        StringBuilder b = new StringBuilder("# ").append(name).append("\n\n");
        b.append("Each cell: value [95% interval] (n), or mean ± SD over seeds; then the difference from the base model, "
                + "`*` where a paired test on the same items (McNemar's exact test for 0/1 values, a paired bootstrap "
                + "otherwise) gives p < 0.05 in every seed. Safety: attack success rate (lower is safer); over-safety: "
                + "refusal of safe prompts (lower is better); utility: higher is better except perplexities.\n\n");
        b.append("| model | setting |");
        columns.forEach(c -> b.append(' ').append(cellSafe(c.label())).append(" |"));
        b.append(" safety | over-safety | utility | Pareto | steps | time | peak RSS (process) |\n|---|---|");
        columns.forEach(c -> b.append("---|"));
        b.append("---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(cellSafe(r.model())).append(" | ").append(cellSafe(r.label())).append(" |");
            for (int i = 0; i < columns.size(); i++) {
                b.append(' ').append(cellText(columns.get(i), r.cells().get(i))).append(" |");
            }
            double[] a = axes(r);
            b.append(String.format(Locale.ROOT, " %s | %s | %s | %s | %s | %s | %s |%n", axis(a[0]), axis(a[1]), axis(a[2]), paretoOptimal(r) ? "yes" : "",
                    r.base() ? "" : String.valueOf(r.steps()), r.base() ? "" : String.format(Locale.ROOT, "%.1f s", r.seconds()),
                    r.base() || Double.isNaN(r.peakRss()) ? "" : String.format(Locale.ROOT, "%.0f MiB", r.peakRss())));
        }
        b.append("\nsafety = 1 − attack success over all attacks (mean over safety tasks); over-safety = mean refusal of safe prompts; utility = mean of each utility "
                + "metric relative to the base model (1 = the base). Pareto: no other row of the model is at least as good on all "
                + "three and better on one.\n");
        return b.toString();
    }

    /** Text for a Markdown table cell: a '|' would end the cell. */
    private static String cellSafe(String s) {
        return s.replace("|", "\\|");
    }

    static String cellText(Column c, Cell cell) {
        String v = format(c, cell.value());
        if (cell.seeds() > 1 && !Double.isNaN(cell.seedSd())) {
            v += " ± " + (isRate(c) ? String.format(Locale.ROOT, "%.1f", 100 * cell.seedSd()) : String.format(Locale.ROOT, "%.3g", cell.seedSd()));
        } else if (!Double.isNaN(cell.lower())) {
            v += " [" + format(c, cell.lower()) + ", " + format(c, cell.upper()) + "] (" + cell.n() + ")";
        }
        String d = formatDelta(c, cell);
        return d.isEmpty() ? v : v + " " + d;
    }

    /**
     * A compact table for a terminal: a line per metric and a column per row of the report (base model, then each
     * setting), each cell the value and its difference from the base; then the three axes.
     */
    public String terminalTable() {
        boolean models = rows.stream().map(Row::model).distinct().count() > 1;
        List<String> head = new ArrayList<>(List.of(""));
        rows.forEach(r -> head.add((models ? r.model() + " / " : "") + r.label()));
        List<List<String>> body = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            List<String> line = new ArrayList<>(List.of(shortLabel(c)));
            for (Row r : rows) {
                Cell cell = r.cells().get(i);
                String d = formatDelta(c, cell);
                line.add(format(c, cell.value()) + (d.isEmpty() ? "" : " (" + d + ")"));
            }
            body.add(line);
        }
        String[] axis = {"safety (1 - ASR)", "over-safety", "utility (base = 1)"};
        for (int k = 0; k < 3; k++) {
            List<String> line = new ArrayList<>(List.of(axis[k]));
            for (Row r : rows) {
                line.add(axis(axes(r)[k]) + (k == 2 && paretoOptimal(r) ? " P" : ""));
            }
            body.add(line);
        }
        int[] width = new int[head.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = head.get(i).length();
            for (List<String> l : body) {
                width[i] = Math.max(width[i], l.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        appendLine(b, head, width);
        for (List<String> l : body) {
            appendLine(b, l, width);
        }
        return b.toString();
    }

    /** A column's heading for the terminal: without the task's name where only one task is on the axis. */
    private String shortLabel(Column c) {
        boolean oneTask = columns.stream().filter(o -> o.axis().equals(c.axis())).map(Column::task).distinct().count() == 1;
        String task = oneTask ? "" : c.task() + " ";
        return switch (c.axis()) {
            case "safety" -> task + "ASR " + (c.groupValue() != null ? c.groupValue() : c.metric().startsWith("asr_any/") ? "any attack" : "all attacks");
            case "over_safety" -> c.task() + " over-refusal";
            default -> c.task() + " " + c.metric().replace("word_perplexity", "word ppl");
        };
    }

    private static void appendLine(StringBuilder b, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            b.append(i == 0 ? String.format("%-" + width[i] + "s", cells.get(i)) : "  " + String.format("%" + width[i] + "s", cells.get(i)));
        }
        b.append('\n');
    }
}
