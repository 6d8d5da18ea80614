package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.graph.LoraConfig;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.ModelWeights;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.optim.AdamW;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Optimizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs an unlearning method on a model: the shared trainer every method uses. Each micro-batch holds the row groups
 * the method reads ({@link BatchLayout}: forget rows, retain rows, random-mismatch rows, refusal rows) in a seeded
 * order; a {@link TrainingStep} averages the micro-batches' gradients, clips and applies them; a run directory
 * records the run as it goes and makes it resumable.
 * <pre>{@code
 * UnlearningRun run = Unlearning.of(model).method(Npo.defaults()).forget(f).retain(r)
 *         .optimizer(AdamW.lr(1e-5)).steps(100).seed(0).outputDir(dir).run();
 * LoadedModel unlearned = run.model();
 * }</pre>
 */
public final class Unlearning {
    private final LoadedModel model;
    private UnlearningMethod method;
    private List<UnlearnExample> forget = List.of(), retain = List.of();
    private Optimizer optimizer = AdamW.lr(1e-5);
    private LrSchedule schedule = LrSchedule.constant();
    private int steps = 10, forgetBatch = 2, retainBatch = 2, maxLength = 256, accumulation = 1, checkpointEvery;
    private double epochs, clipNorm = 1.0;
    private long seed;
    private Predicate<String> trainable;
    private LoraConfig lora;
    private Refusals refusals = Refusals.generated(64);
    private Path outputDir;
    private boolean resume;
    private StepListener listener = m -> {
    };

    private Unlearning(LoadedModel model) {
        this.model = model;
    }

    /** Starts configuring a run on {@code model} (its tokenizer and chat template format the data). */
    public static Unlearning of(LoadedModel model) {
        return new Unlearning(model);
    }

    public Unlearning method(UnlearningMethod m) {
        this.method = m;
        return this;
    }

    public Unlearning forget(List<UnlearnExample> examples) {
        this.forget = List.copyOf(examples);
        return this;
    }

    public Unlearning retain(List<UnlearnExample> examples) {
        this.retain = List.copyOf(examples);
        return this;
    }

    /** The optimizer's settings (default AdamW at lr 1e-5); each run starts it fresh. */
    public Unlearning optimizer(Optimizer o) {
        this.optimizer = o;
        return this;
    }

    public Unlearning schedule(LrSchedule s) {
        this.schedule = s;
        return this;
    }

    /** Optimizer steps (default 10); {@link #epochs} takes precedence when set. */
    public Unlearning steps(int n) {
        this.steps = n;
        return this;
    }

    /** Passes over the forget set instead of a step count (see {@link UnlearningConfig#epochs()}); 0 uses steps. */
    public Unlearning epochs(double e) {
        this.epochs = e;
        return this;
    }

    /** Micro-batches whose gradients are averaged into each optimizer step (default 1). */
    public Unlearning gradientAccumulation(int microBatches) {
        this.accumulation = microBatches;
        return this;
    }

    /**
     * Where refusals come from for forget examples that carry none, when the method trains on refusal rows (Eraser,
     * Safe Unlearning, DPO). Default: the original model's greedy reply, 64 tokens at most.
     */
    public Unlearning refusals(Refusals source) {
        this.refusals = source;
        return this;
    }

    /** Forget and retain rows per micro-batch (random-mismatch and refusal rows follow the forget rows' count). */
    public Unlearning batchSize(int forgetRows, int retainRows) {
        this.forgetBatch = forgetRows;
        this.retainBatch = retainRows;
        return this;
    }

    /** Longest tokenized example (default 256); longer ones are cut from the left of the prompt. */
    public Unlearning maxLength(int tokens) {
        this.maxLength = tokens;
        return this;
    }

    public Unlearning seed(long s) {
        this.seed = s;
        return this;
    }

    /** Global gradient-norm clipping threshold (default 1; 0: off). */
    public Unlearning clipNorm(double c) {
        this.clipNorm = c;
        return this;
    }

    /** Which parameters train (by HF name); the others stay frozen. */
    public Unlearning trainable(Predicate<String> names) {
        this.trainable = names;
        return this;
    }

    /** Trains LoRA adapters only (merged into the weights at the end) instead of the selected parameters. */
    public Unlearning lora(LoraConfig config) {
        this.lora = config;
        return this;
    }

    /** Where the unlearned model (HF folder), manifest and metrics go; {@code null} (default): nowhere. */
    public Unlearning outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** Writes a resumable snapshot to {@code outputDir/checkpoint} every {@code n} steps (0: never). */
    public Unlearning checkpointEvery(int n) {
        this.checkpointEvery = n;
        return this;
    }

    /**
     * Continues the run in {@code outputDir} from its last snapshot (from the start without one): same settings,
     * data and model, or the run is refused; it ends with the weights an uninterrupted run would have.
     */
    public Unlearning resume(boolean r) {
        this.resume = r;
        return this;
    }

    /** Called after every step (progress reporting; an exception stops the run). */
    public Unlearning onStep(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Receives each step's metrics. */
    @FunctionalInterface
    public interface StepListener {
        void stepDone(StepMetrics metrics);
    }

    /** The training settings as configured so far (checked). */
    public UnlearningConfig config() {
        return new UnlearningConfig(method, optimizer, schedule, steps, epochs, accumulation, forgetBatch, retainBatch,
                maxLength, seed, clipNorm, trainable, lora, checkpointEvery, refusals);
    }

    /** Checks the configuration and data, then trains; every problem is reported before the first step. */
    public UnlearningRun run() {
        UnlearningConfig c = config();
        checkInputs(c);
        BatchLayout layout = c.layout();
        List<UnlearnExample> forgetSet = layout.has(RowGroup.REFUSAL) ? c.refusals().fill(model, forget) : forget;
        List<TokenizedExample> f = tokenize(forgetSet);
        List<TokenizedExample> r = layout.has(RowGroup.RETAIN) || layout.has(RowGroup.RANDOM_BENIGN) ? tokenize(retain) : List.of();
        List<TokenizedExample> refusalRows = layout.has(RowGroup.REFUSAL)
                ? tokenize(forgetSet.stream().map(e -> new UnlearnExample(e.prompt(), e.refusal())).toList()) : List.of();
        int time = Math.min(Batches.longestRow(layout, f, r, refusalRows), c.maxLength()) - 1; // inputs: all tokens but the last
        // cut once, here, so that the reference scores exactly what the rows hold
        f = cut(f, time + 1);
        r = cut(r, time + 1);
        refusalRows = cut(refusalRows, time + 1);

        Checkpoint start = model.checkpoint();
        Predicate<String> train = trainableParameters(c);
        LlamaGraph graph = new LlamaGraph(start.config(), start.weights(), layout.rows(), time, train, c.lora());
        if (graph.trainable().isEmpty()) {
            throw new IllegalArgumentException("the trainable-parameter selection matches no parameter of the model");
        }
        LossTerms terms = new LossTerms(graph, layout);
        SDVariable loss = c.method().loss(terms);
        graph.setLoss(loss);
        ReferenceModel reference = new ReferenceModel(start, terms.referenceReads(), layout.rows(), time);
        Batches batches = new Batches(layout, f, r, refusalRows, reference.sequenceLogprobs(f),
                reference.sequenceLogprobs(refusalRows), time, c.seed());
        int totalSteps = c.totalSteps(forget.size());
        Optimizer opt = c.optimizer().fresh();

        RunDirectory out = outputDir == null ? null : new RunDirectory(outputDir);
        List<StepMetrics> metrics = new ArrayList<>();
        if (out != null) {
            out.start(manifest(c, layout, totalSteps, time, graph, start), resume);
            if (layout.has(RowGroup.REFUSAL)) {
                out.writeRefusals(refusalLog(forgetSet, c.refusals()));
            }
            var snap = resume ? out.snapshot() : null;
            if (snap != null) {
                restore(snap, graph, opt, totalSteps);
                metrics.addAll(out.loggedMetrics(snap.steps()));
            }
        }
        for (int i = 0; i < metrics.size() * c.gradientAccumulation(); i++) { // replay the data order up to the snapshot
            batches.next();
        }
        TrainingStep stepper = new TrainingStep(graph, terms, loss, reference, opt, c);
        try (RunDirectory.MetricsLog log = out == null ? null : out.openMetrics(metrics)) {
            for (int step = metrics.size(); step < totalSteps; step++) {
                StepMetrics m = stepper.take(step, totalSteps, batches);
                metrics.add(m);
                if (log != null) {
                    log.write(m);
                }
                if (c.checkpointEvery() > 0 && m.step() % c.checkpointEvery() == 0) {
                    Map<String, INDArray> trained = new LinkedHashMap<>();
                    graph.trainable().forEach(n -> trained.put(n, graph.parameter(n)));
                    out.writeSnapshot(m.step(), opt.stepsTaken(), trained, opt.state());
                }
                listener.stepDone(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, INDArray> finalWeights = c.method().finish(start.weights().asMap(), graph.mergedWeights());
        Checkpoint result = new Checkpoint(start.config(), new ModelWeights(finalWeights, null, null));
        if (out != null) {
            out.finish(result, model);
        }
        return new UnlearningRun(new LoadedModel(result, model.tokenizer(), model.chatTemplate()), metrics);
    }

    private void checkInputs(UnlearningConfig c) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("the model has no tokenizer; unlearning data is text");
        }
        if (forget.isEmpty()) {
            throw new IllegalArgumentException("the forget set is empty");
        }
        var groups = c.method().rowGroups();
        if ((groups.contains(RowGroup.RETAIN) || groups.contains(RowGroup.RANDOM_BENIGN)) && retain.isEmpty()) {
            throw new IllegalArgumentException("method '" + c.method().name() + "' needs a retain set, and none was given");
        }
        if ((c.checkpointEvery() > 0 || resume) && outputDir == null) {
            throw new IllegalArgumentException("checkpoints and resume need an output directory");
        }
    }

    private Predicate<String> trainableParameters(UnlearningConfig c) {
        if (c.trainable() != null) {
            return c.trainable();
        }
        Predicate<String> own = c.method().trainable(model.checkpoint().config());
        return own != null ? own : n -> true;
    }

    private static List<TokenizedExample> cut(List<TokenizedExample> examples, int tokens) {
        return examples.stream().map(e -> e.lastTokens(tokens)).toList();
    }

    private List<TokenizedExample> tokenize(List<UnlearnExample> examples) {
        return examples.stream().map(e -> TokenizedExample.of(model, e)).toList();
    }

    /** Loads a snapshot into the graph and optimizer. */
    private void restore(TrainingCheckpoint.Snapshot snap, LlamaGraph graph, Optimizer opt, int totalSteps) {
        if (!snap.params().keySet().equals(graph.trainable()) || snap.steps() > totalSteps) {
            throw new IllegalArgumentException("the checkpoint in " + outputDir.resolve(RunDirectory.CHECKPOINT)
                    + " is of another configuration (its parameters or step count differ); remove it or start fresh");
        }
        snap.params().forEach((n, a) -> graph.parameter(n).assign(a));
        opt.restore(snap.optimizer(), snap.optimizerSteps());
    }

    /** {@code manifest.json}: everything needed to tell runs apart and to repeat one (no timings, so it is stable). */
    private Map<String, Object> manifest(UnlearningConfig c, BatchLayout layout, int totalSteps, int time, LlamaGraph graph,
                                         Checkpoint start) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mubench_version", "0.1.0-SNAPSHOT");
        m.put("method", c.method().name());
        m.put("method_parameters", c.method().parameters());
        m.put("optimizer", c.optimizer().toString());
        m.put("learning_rate", c.optimizer().learningRate());
        m.put("schedule", c.schedule().toString());
        m.put("steps", totalSteps);
        m.put("epochs", c.epochs() > 0 ? c.epochs() : null);
        m.put("gradient_accumulation", c.gradientAccumulation());
        m.put("batch_rows", layout.toString());
        m.put("max_length", c.maxLength());
        m.put("sequence_length", time + 1);
        m.put("clip_norm", c.clipNorm());
        m.put("seed", c.seed());
        m.put("checkpoint_every", c.checkpointEvery());
        m.put("trainable_parameters", c.lora() != null ? "LoRA adapters" : new ArrayList<>(graph.trainable()));
        m.put("lora", c.lora());
        m.put("refusals", layout.has(RowGroup.REFUSAL) ? c.refusals().toString() + "; see refusals.jsonl" : null);
        m.put("forget_examples", forget.size());
        m.put("forget_sha256", sha256(forget));
        m.put("retain_examples", retain.size());
        m.put("retain_sha256", retain.isEmpty() ? null : sha256(retain));
        m.put("model", start.config());
        m.put("model_source", start.weights().source() == null ? null : start.weights().source().toString());
        return m;
    }

    private List<Map<String, Object>> refusalLog(List<UnlearnExample> withRefusals, Refusals source) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < withRefusals.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("prompt", withRefusals.get(i).prompt());
            row.put("refusal", withRefusals.get(i).refusal());
            row.put("source", forget.get(i).refusal() != null ? "data" : source.toString());
            rows.add(row);
        }
        return rows;
    }

    /** SHA-256 over the examples' prompts, responses and refusals, in order: the data's identity. */
    static String sha256(List<UnlearnExample> examples) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (UnlearnExample e : examples) {
                for (String s : new String[]{e.prompt(), e.response(), e.refusal()}) {
                    if (s != null) {
                        md.update(s.getBytes(StandardCharsets.UTF_8));
                    }
                    md.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
