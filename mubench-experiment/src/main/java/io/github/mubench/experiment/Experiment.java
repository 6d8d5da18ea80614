package io.github.mubench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.data.Item;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.run.Evaluation;
import io.github.mubench.eval.run.Progress;
import io.github.mubench.eval.store.ModelFingerprint;
import io.github.mubench.eval.store.ResultStore;
import io.github.mubench.eval.task.Task;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.experiment.report.Report;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.io.AtomicFiles;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.StepMetrics;
import io.github.mubench.unlearn.TrainingSettings;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.UnlearningMethod;
import io.github.mubench.unlearn.UnlearningRun;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TrainingSets;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.methods.Methods;

import io.github.mubench.tensor.io.FormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The main job: take models, unlearn each with every method setting and seed, evaluate the base models and every
 * unlearned one on the same tasks, and write the trilemma report. Every stage is cached by content in the output
 * folder, so the same experiment again (after a crash or {@code kill -9} too) continues where it stopped and
 * recomputes nothing it has: finished unlearning runs are loaded from their folders, an interrupted one resumes from
 * its last snapshot, and evaluations take every stored answer from the shared results store. A changed setting
 * misses only what it determines (a new evaluation setting re-evaluates, a new training setting trains a new run).
 * <pre>{@code
 * ExperimentResult r = Experiment.builder()
 *         .model("qwen", () -> Models.load(Path.of("Qwen2.5-0.5B-Instruct")))
 *         .forget(forgetPairs, 200).retain(retainPairs, 200)
 *         .method("NPO", "npo", Map.of("beta", List.of(0.05, 0.1)), Map.of("lr", 1e-5))
 *         .training(Map.of("steps", 50))
 *         .tasks(Tasks.suite("mubench-quick")).limit(50).seeds(List.of(0L, 1L))
 *         .outputDir(Path.of("runs/npo")).run();
 * }</pre>
 */
public final class Experiment {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The results store's name in the output folder. */
    public static final String STORE = "results.sqlite";
    /** Where cluster tasks hand back the stores they filled, for {@link #run()} to merge (see {@link #mergeCellStores}). */
    public static final String CELL_STORES = "cells";

    private record ModelEntry(String name, Supplier<LoadedModel> load) {
    }

    private record MethodEntry(String label, String method, Map<String, Object> params, Map<String, Object> training) {
    }

    private String name = "experiment";
    private final List<ModelEntry> models = new ArrayList<>();
    private final List<MethodEntry> methods = new ArrayList<>();
    private List<UnlearnExample> forget = List.of(), retain = List.of();
    private int forgetLimit = Integer.MAX_VALUE, retainLimit = Integer.MAX_VALUE;
    private Refusals refusals = Refusals.generated(64);
    private Map<String, Object> training = Map.of();
    private List<Task> tasks = List.of();
    private List<Judge> judges = List.of();
    private int limit = Integer.MAX_VALUE, batchSize = 8, checkpointEvery = 10;
    private List<Long> seeds = List.of(0L);
    private Path outputDir;
    private Path store;
    private Consumer<String> log = s -> {
    };
    private Progress progress = Progress.NONE;
    private StepListener steps = (s, m) -> {
    };
    private Consumer<Report> reported = r -> {
    };

    /** Receives each unlearning step as it is taken. */
    @FunctionalInterface
    public interface StepListener {
        void stepDone(Setting setting, StepMetrics metrics);
    }

    private Experiment() {
    }

    /** Starts configuring an experiment. */
    public static Experiment builder() {
        return new Experiment();
    }

    /**
     * The experiment an experiment file describes (YAML or JSON; see {@link ExperimentSpec}); relative paths in it
     * are resolved against the file's folder.
     */
    public static Experiment fromFile(Path file) {
        String stem = file.getFileName().toString().replaceAll("\\.[^.]*$", "");
        Path dir = file.toAbsolutePath().getParent();
        return SpecExperiments.of(ExperimentSpec.read(file), dir, stem);
    }

    /** The experiment's name, in the report. */
    public Experiment name(String n) {
        this.name = Objects.requireNonNull(n);
        return this;
    }

    /** A model to unlearn, loaded when its turn comes (one model is in memory at a time). */
    public Experiment model(String modelName, Supplier<LoadedModel> load) {
        if (models.stream().anyMatch(m -> slug(m.name()).equals(slug(modelName)))) { // one folder per model
            throw new IllegalArgumentException("two models are named '" + modelName + "' (or names that make the same folder name)");
        }
        models.add(new ModelEntry(modelName, load));
        return this;
    }

    /** Forget candidates; the first {@code limit} of those the evaluation does not use are trained on. */
    public Experiment forget(List<UnlearnExample> pairs, int limit) {
        this.forget = List.copyOf(pairs);
        this.forgetLimit = limit;
        return this;
    }

    /** Retain candidates; the first {@code limit} of those the evaluation does not use are trained on. */
    public Experiment retain(List<UnlearnExample> pairs, int limit) {
        this.retain = List.copyOf(pairs);
        this.retainLimit = limit;
        return this;
    }

    /** Where refusals of methods with refusal rows come from (default: the model's own greedy reply, 64 tokens). */
    public Experiment refusals(Refusals r) {
        this.refusals = Objects.requireNonNull(r);
        return this;
    }

    /**
     * A method: its registry name, how the report labels it, its parameters and training settings over the
     * experiment's (values as {@code --param} takes them; a {@link List} value is a sweep).
     */
    public Experiment method(String label, String method, Map<String, ?> params, Map<String, ?> methodTraining) {
        methods.add(new MethodEntry(label, method, new LinkedHashMap<>(params), new LinkedHashMap<>(methodTraining)));
        return this;
    }

    /** Training settings of every method ({@link TrainingSettings} names; a {@link List} value is a sweep). */
    public Experiment training(Map<String, ?> t) {
        this.training = new LinkedHashMap<>(t);
        return this;
    }

    public Experiment tasks(List<Task> t) {
        this.tasks = List.copyOf(t);
        return this;
    }

    /** The judges (default: the evaluation's: keyword for safety, xstest_strmatch for over-safety). */
    public Experiment judges(List<Judge> j) {
        this.judges = List.copyOf(j);
        return this;
    }

    /** Items per task. */
    public Experiment limit(int n) {
        this.limit = n;
        return this;
    }

    /** Requests per model batch in evaluations. */
    public Experiment batchSize(int b) {
        this.batchSize = b;
        return this;
    }

    /** Every setting runs once per seed (default: 0). */
    public Experiment seeds(List<Long> s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("give at least one seed");
        }
        this.seeds = List.copyOf(new LinkedHashSet<>(s));
        return this;
    }

    /**
     * Where evaluations keep their answers (default: {@code results.sqlite} in the output folder); a cluster task
     * points it at its own disk and hands the file back.
     */
    public Experiment store(Path file) {
        this.store = file;
        return this;
    }

    /** The output folder ({@code null} until set, by {@link #outputDir(Path)} or the file's {@code out}). */
    public Path outputDir() {
        return outputDir;
    }

    /** Snapshot interval of unlearning runs, in steps (default 10): what a kill can cost. */
    public Experiment checkpointEvery(int n) {
        this.checkpointEvery = n;
        return this;
    }

    public Experiment outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** Receives one line per stage (what starts, what is reused). */
    public Experiment log(Consumer<String> l) {
        this.log = l;
        return this;
    }

    /** Receives the evaluations' progress. */
    public Experiment progress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Receives every unlearning step. */
    public Experiment onStep(StepListener l) {
        this.steps = l;
        return this;
    }

    /** Receives the report once it is written (so that a caller shows it without reading every evaluation again). */
    public Experiment onReport(Consumer<Report> r) {
        this.reported = r;
        return this;
    }

    /** Every setting of the experiment, in the order they run per model. */
    public List<Setting> settings() {
        List<Setting> out = new ArrayList<>();
        for (MethodEntry m : methods) {
            Map<String, Object> t = new LinkedHashMap<>(training);
            t.putAll(m.training());
            out.addAll(Setting.expand(m.label(), m.method(), m.params(), t, seeds));
        }
        return out;
    }

    /**
     * One unit of an experiment's work, what a cluster schedules as one task: a model's base evaluation
     * ({@code setting} -1), or one setting of {@link #settings()} unlearned from it and evaluated.
     *
     * @param model   index of the model, in the order they were added
     * @param setting index into {@link #settings()}, or -1 for the base evaluation
     */
    public record Cell(int model, int setting) implements java.io.Serializable {
        /** Whether this is a base evaluation. */
        public boolean base() {
            return setting < 0;
        }
    }

    /**
     * Every cell of the experiment: per model, its base evaluation, then each setting; settings that differ only by
     * label are one run (one content key) and so one cell. Checks the experiment first.
     */
    public List<Cell> cells() {
        List<Setting> settings = check();
        List<Integer> distinct = new ArrayList<>();
        java.util.Set<Map<String, Object>> seen = new java.util.HashSet<>();
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            Map<String, Object> content = Map.of("method", s.method(), "parameters", Methods.create(s.method(), s.params()).parameters(),
                    "training", Parameters.values(Parameters.create(TrainingSettings.class, s.training(), "training")), "seed", s.seed());
            if (seen.add(content)) {
                distinct.add(i);
            }
        }
        List<Cell> out = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            out.add(new Cell(m, -1));
            for (int i : distinct) {
                out.add(new Cell(m, i));
            }
        }
        return out;
    }

    /**
     * Computes one cell as {@link #run()} would, or finds it done: its folders and stored answers are the ones
     * {@code run()} reuses, keyed by content. Different cells of one experiment may run at once, in threads or
     * processes that share the output folder (two attempts at the same cell must not: its run folder is one run's);
     * {@code run()} afterwards computes nothing more and writes the report.
     */
    public void runCell(Cell cell) {
        List<Setting> settings = check();
        if (cell.model() < 0 || cell.model() >= models.size() || cell.setting() >= settings.size()) {
            throw new IllegalArgumentException(cell + " is not a cell of this experiment (" + models.size() + " models, "
                    + settings.size() + " settings)");
        }
        Path out = outputDir.toAbsolutePath().normalize();
        ModelEntry entry = models.get(cell.model());
        log.accept("model " + entry.name() + ": loading");
        LoadedModel model = entry.load().get();
        if (cell.base()) {
            baseEvaluation(entry, model, out);
        } else {
            String fingerprint = ModelFingerprint.of(model);
            runSetting(entry, model, fingerprint, settings.get(cell.setting()), trainingData(out), out);
        }
    }

    /** Runs what is not done yet, writes the report, and returns the experiment's index. */
    public ExperimentResult run() {
        List<Setting> settings = check();
        Path out = outputDir.toAbsolutePath().normalize();
        removeEarlierReport(out);
        mergeCellStores(out, log);
        TrainingSets data = trainingData(out);
        List<ExperimentResult.ModelResult> done = new ArrayList<>();
        for (ModelEntry entry : models) {
            log.accept("model " + entry.name() + ": loading");
            LoadedModel model = entry.load().get();
            String fingerprint = ModelFingerprint.of(model);
            Path baseEval = baseEvaluation(entry, model, out);
            List<ExperimentResult.RunResult> runs = new ArrayList<>();
            ExperimentResult.ModelResult current = new ExperimentResult.ModelResult(entry.name(), fingerprint, baseEval, runs);
            for (Setting s : settings) {
                runs.add(runSetting(entry, model, fingerprint, s, data, out));
                index(out, done, current);
                System.gc(); // one unlearned model's arrays at a time
            }
            done.add(current);
            index(out, done, null);
        }
        ExperimentResult result = new ExperimentResult(out, name, done);
        Report report = Report.of(result);
        report.write(out);
        result.write(true); // last: the folder says it is finished only once the report is there
        log.accept("wrote " + out.resolve(Report.MARKDOWN) + " and " + out.resolve(Report.HTML));
        reported.accept(report);
        return result;
    }

    /**
     * Merges the stores that cluster tasks handed back to {@code cells/} into the experiment's store, each file
     * deleted once merged (a file that is not a readable store is set aside with a warning, never merged).
     *
     * @return how many answers were new
     */
    public static int mergeCellStores(Path out, Consumer<String> log) {
        Path cells = out.resolve(CELL_STORES);
        if (!Files.isDirectory(cells)) {
            return 0;
        }
        int added = 0;
        try (var files = Files.list(cells)) {
            List<Path> stores = files.filter(p -> p.getFileName().toString().endsWith(".sqlite")).sorted().toList();
            if (stores.isEmpty()) {
                return 0;
            }
            try (ResultStore main = ResultStore.open(out.resolve(STORE))) {
                for (Path s : stores) {
                    try {
                        added += main.mergeFrom(s);
                        Files.delete(s);
                    } catch (IllegalStateException unreadable) {
                        Files.move(s, s.resolveSibling(s.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
                        log.accept("warning: " + s + " is not a readable results store; set aside: " + unreadable.getMessage());
                    }
                }
            }
            log.accept("merged " + added + " answers from " + stores.size() + " task stores in " + cells);
            return added;
        } catch (IOException e) {
            throw new UncheckedIOException(cells + ": " + e.getMessage(), e);
        }
    }

    private Path baseEvaluation(ModelEntry entry, LoadedModel model, Path out) {
        Path baseEval = out.resolve(slug(entry.name())).resolve("base");
        log.accept("model " + entry.name() + ": evaluating the base model");
        evaluate(model, entry.name(), baseEval, out);
        return baseEval;
    }

    /** Unlearns {@code s} from the model (or finds it done) and evaluates the result. */
    private ExperimentResult.RunResult runSetting(ModelEntry entry, LoadedModel model, String fingerprint, Setting s,
                                                  TrainingSets data, Path out) {
        Path runDir = runDir(out.resolve(slug(entry.name())), s, key(fingerprint, s, data).substring(0, 10));
        RunResult r = unlearn(model, s, data, runDir);
        log.accept(s.group() + " seed " + s.seed() + ": evaluating");
        Path eval = runDir.resolve("eval");
        evaluate(r.run().model(), entry.name() + " / " + s.group() + " / seed " + s.seed(), eval, out);
        return new ExperimentResult.RunResult(s, runDir, eval, r.cost());
    }

    /**
     * A run's folder: {@code LABEL-seedS-KEY}, or the folder that already holds the run of this content key under
     * another name (a renamed label, or a value that became a sweep, changes the name but not the run).
     */
    private static Path runDir(Path modelDir, Setting s, String key) {
        if (Files.isDirectory(modelDir)) {
            try (var existing = Files.list(modelDir)) {
                var found = existing.filter(p -> p.getFileName().toString().endsWith("-" + key) && Files.isDirectory(p)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(modelDir + ": " + e.getMessage(), e);
            }
        }
        return modelDir.resolve(slug(s.group()) + "-seed" + s.seed() + "-" + key);
    }

    /** Checks everything a run needs before any work; returns the settings. */
    private List<Setting> check() {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models: add at least one");
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no methods: add at least one");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no evaluation tasks: add at least one");
        }
        if (forget.isEmpty()) {
            throw new IllegalArgumentException("no forget data");
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("no output folder");
        }
        List<Setting> settings = settings();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Setting s : settings) { // every parameter name and value, before the first model is loaded
            UnlearningMethod m = Methods.create(s.method(), s.params());
            Parameters.create(TrainingSettings.class, s.training(), s.group() + " training");
            var groups = m.rowGroups();
            if ((groups.contains(RowGroup.RETAIN) || groups.contains(RowGroup.RANDOM_BENIGN)) && retain.isEmpty()) {
                throw new IllegalArgumentException(s.group() + ": method '" + s.method() + "' needs retain data, and none was given");
            }
            // the report pools a label's runs as seeds of one setting: two different settings must not share one
            if (!seen.add(s.group() + "\u0000" + s.seed())) {
                throw new IllegalArgumentException("two method entries are both labelled '" + s.group() + "'; give each its own label");
            }
        }
        return settings;
    }

    /** The forget and retain pairs without anything the evaluation asks, written to {@code data/}. */
    private TrainingSets trainingData(Path out) {
        List<Item> evaluated = new ArrayList<>();
        TaskContext context = new TaskContext(limit, 0, null);
        for (Task t : tasks) {
            evaluated.addAll(t.items(context));
        }
        TrainingSets all = new TrainingSets.Builder().forgetPairs(forget).retainPairs(retain).excludingItems(evaluated).build();
        TrainingSets sets = new TrainingSets(all.forget().subList(0, Math.min(forgetLimit, all.forget().size())),
                all.retain().subList(0, Math.min(retainLimit, all.retain().size())), all.leftOutForget(), all.leftOutRetain());
        log.accept("data: " + sets.forget().size() + " forget and " + sets.retain().size() + " retain pairs (" + all.leftOutForget()
                + " forget and " + all.leftOutRetain() + " retain candidates left out: the evaluation asks their prompts)");
        try {
            Files.createDirectories(out.resolve("data"));
            AtomicFiles.write(out.resolve("data/forget.jsonl"), jsonl(sets.forget()));
            AtomicFiles.write(out.resolve("data/retain.jsonl"), jsonl(sets.retain()));
        } catch (IOException e) {
            throw new UncheckedIOException(out.resolve("data") + ": " + e.getMessage(), e);
        }
        return sets;
    }

    private static byte[] jsonl(List<UnlearnExample> pairs) throws IOException {
        StringBuilder b = new StringBuilder();
        for (UnlearnExample e : pairs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompt", e.prompt());
            m.put("response", e.response());
            if (e.refusal() != null) {
                m.put("refusal", e.refusal());
            }
            b.append(JSON.writeValueAsString(m)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private record RunResult(UnlearningRun run, RunCost cost) {
    }

    /** Loads the finished run in {@code dir}, or runs (resuming from its last snapshot) what is not finished. */
    private RunResult unlearn(LoadedModel model, Setting s, TrainingSets data, Path dir) {
        var finished = UnlearningRun.finished(dir);
        Path costFile = dir.resolve(RunCost.FILE);
        if (finished.isPresent() && Files.exists(costFile)) {
            log.accept(s.group() + " seed " + s.seed() + ": reusing " + dir.getFileName());
            try {
                return new RunResult(finished.get(), RunCost.fromJson(JSON.readTree(costFile.toFile())));
            } catch (IOException e) {
                throw new UncheckedIOException(costFile + ": " + e.getMessage(), e);
            }
        }
        boolean resuming = Files.exists(dir.resolve("checkpoint"));
        log.accept(s.group() + " seed " + s.seed() + ": " + (resuming ? "resuming" : "unlearning") + " (" + dir.getFileName() + ")");
        double[] peak = {Double.NaN};
        TrainingSettings t = Parameters.create(TrainingSettings.class, s.training(), s.group() + " training");
        Unlearning u = Unlearning.of(model).method(Methods.create(s.method(), s.params())).forget(data.forget()).retain(data.retain())
                .refusals(refusals).seed(s.seed()).outputDir(dir).checkpointEvery(checkpointEvery).resume(true)
                .onStep(m -> {
                    double rss = RunCost.rssMiB();
                    peak[0] = Double.isNaN(peak[0]) ? rss : Math.max(peak[0], rss);
                    steps.stepDone(s, m);
                });
        t.applyTo(u, s.seed());
        // the model as its folder holds it, not as trained in memory: a later run of the experiment loads the folder, and
        // its fingerprint (tokenizer included: a llama2.c or GGUF tokenizer is saved as tokenizer.json) must be the same
        // for the stored answers to be found again
        UnlearningRun run = finished.orElseGet(() -> {
            u.run();
            return UnlearningRun.finished(dir).orElseThrow(() -> new IllegalStateException(dir + ": the run ended unfinished"));
        });
        RunCost cost = new RunCost(run.metrics().size(), run.metrics().stream().mapToDouble(StepMetrics::seconds).sum(),
                resuming ? Double.NaN : peak[0]);
        try {
            AtomicFiles.write(costFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cost.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(costFile + ": " + e.getMessage(), e);
        }
        return new RunResult(run, cost);
    }

    private void evaluate(LoadedModel model, String modelName, Path dir, Path out) {
        Evaluation e = Evaluation.of(model).tasks(tasks).batchSize(batchSize).store(store != null ? store : out.resolve(STORE))
                .outputDir(dir).modelName(modelName).progress(progress);
        if (!judges.isEmpty()) {
            e.judges(judges);
        }
        if (limit < Integer.MAX_VALUE) {
            e.limit(limit);
        }
        e.run();
    }

    /** Writes the index as far as the experiment got, so that an interrupted one can be reported. */
    private void index(Path out, List<ExperimentResult.ModelResult> done, ExperimentResult.ModelResult current) {
        List<ExperimentResult.ModelResult> all = new ArrayList<>(done);
        if (current != null) {
            all.add(new ExperimentResult.ModelResult(current.name(), current.fingerprint(), current.baseEval(), List.copyOf(current.runs())));
        }
        new ExperimentResult(out, name, all).write(false);
    }

    /**
     * A report from an earlier run of this folder would look like this run's until this one writes its own, and its
     * index would say complete: the report goes, the index is marked unfinished.
     */
    private static void removeEarlierReport(Path out) {
        try {
            for (String f : List.of(Report.JSON_FILE, Report.MARKDOWN, Report.HTML)) {
                Files.deleteIfExists(out.resolve(f));
            }
            Path index = out.resolve(ExperimentResult.INDEX);
            if (Files.isRegularFile(index)) {
                try {
                    ExperimentResult.read(out).write(false);
                } catch (FormatException unreadable) { // rewritten after the first run anyway
                    Files.delete(index);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
    }

    /** The content key of a run: model, method and its parameters, training settings, data, refusals, seed. */
    private String key(String modelFingerprint, Setting s, TrainingSets data) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("model", modelFingerprint);
        k.put("method", s.method());
        k.put("method_parameters", Methods.create(s.method(), s.params()).parameters());
        k.put("training", Parameters.values(Parameters.create(TrainingSettings.class, s.training(), "training")));
        k.put("forget", data.forget());
        k.put("retain", data.retain());
        k.put("refusals", refusals.toString());
        k.put("seed", s.seed());
        k.put("checkpoint_every", checkpointEvery);
        try {
            byte[] bytes = JSON.writeValueAsBytes(k);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A name as a folder name: letters, digits, '.', '_' and '-'. */
    static String slug(String s) {
        String x = s.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("-+", "-").replaceAll("^-|-$", "");
        return x.isEmpty() ? "x" : x.length() > 60 ? x.substring(0, 60) : x;
    }
}
