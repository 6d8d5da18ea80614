package io.github.mubench.unlearn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.checkpoint.Checkpoint;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.model.Llama;
import io.github.mubench.tensor.model.ModelWeights;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.tensor.tokenizer.HfTokenizerFiles;
import io.github.mubench.tensor.tokenizer.Llama2cTokenizer;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.optim.AdamW;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Optimizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs an unlearning method on a model: the shared trainer every method uses. Each micro-batch holds the row groups
 * the method reads ({@link BatchLayout}: forget rows, retain rows, random-mismatch rows, refusal rows) in a seeded
 * order; the loss and gradients come from one pass of one graph; gradients of the step's micro-batches are averaged,
 * clipped, and applied by the optimizer.
 * <pre>{@code
 * UnlearningRun run = Unlearning.of(model).method(new Npo()).forget(f).retain(r)
 *         .optimizer(AdamW.lr(1e-5)).steps(100).seed(0).outputDir(dir).run();
 * }</pre>
 */
public final class Unlearning {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoadedModel model;
    private UnlearningMethod method;
    private List<UnlearnExample> forget = List.of(), retain = List.of();
    private Optimizer optimizer = AdamW.lr(1e-5);
    private LrSchedule schedule = LrSchedule.constant();
    private int steps = 10, forgetBatch = 2, retainBatch = 2, maxLength = 256;
    private long seed;
    private double clipNorm = 1.0;
    private Predicate<String> trainable;
    private Path outputDir;
    private io.github.mubench.tensor.graph.LoraConfig lora;
    private int checkpointEvery;
    private boolean resume;
    private Refusals refusals = Refusals.generated(64);
    private int accumulation = 1;
    private double epochs;
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

    /**
     * Trains for {@code e} passes over the forget set instead of a step count: {@code ceil(e·|D_f| / (forget rows
     * per batch · accumulation))} optimizer steps. 0 (default) uses {@link #steps}.
     */
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

    /** Longest tokenized example; longer ones are cut from the left of the prompt. */
    public Unlearning maxLength(int tokens) {
        this.maxLength = tokens;
        return this;
    }

    public Unlearning seed(long s) {
        this.seed = s;
        return this;
    }

    /** Global gradient-norm clipping threshold ({@code <= 0}: off). */
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
    public Unlearning lora(io.github.mubench.tensor.graph.LoraConfig config) {
        this.lora = config;
        return this;
    }

    /** Where the unlearned model (HF folder) and {@code metrics.jsonl} go; {@code null}: nowhere. */
    public Unlearning outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /**
     * Writes a resumable snapshot to {@code outputDir/checkpoint} every {@code n} steps (0: never).
     */
    public Unlearning checkpointEvery(int n) {
        this.checkpointEvery = n;
        return this;
    }

    /**
     * Continues from the snapshot in {@code outputDir/checkpoint} when there is one: same configuration, same
     * seed, and the run ends with the weights an uninterrupted run would have.
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

    /** Checks the configuration, then trains; every problem is reported before the first step. */
    public UnlearningRun run() {
        validate();
        BatchLayout layout = BatchLayout.forMethod(method, forgetBatch, retainBatch);
        List<UnlearnExample> forgetSet = layout.has(RowGroup.REFUSAL) ? refusals.fill(model, forget) : forget;
        List<TokenizedExample> f = tokenize(forgetSet);
        List<TokenizedExample> r = layout.has(RowGroup.RETAIN) || layout.has(RowGroup.RANDOM_BENIGN) ? tokenize(retain) : List.of();
        List<TokenizedExample> refusalRows = layout.has(RowGroup.REFUSAL)
                ? tokenize(forgetSet.stream().map(e -> new UnlearnExample(e.prompt(), e.refusal())).toList()) : List.of();
        int time = Math.min(Batches.longestRow(layout, f, r, refusalRows), maxLength) - 1; // inputs: all tokens but the last
        Llama reference = method.needsReference() ? model.inference() : null; // the frozen starting weights
        double[] forgetRef = reference != null ? referenceLogprobs(reference, f) : null;
        double[] refusalRef = reference != null && layout.has(RowGroup.REFUSAL) ? referenceLogprobs(reference, refusalRows) : null;
        int totalSteps = epochs > 0 ? (int) Math.ceil(epochs * forget.size() / ((double) forgetBatch * accumulation)) : steps;

        var ckpt = model.checkpoint();
        Predicate<String> train = trainable != null ? trainable : method.trainable() != null ? method.trainable() : n -> true;
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), layout.rows(), time, train, lora);
        if (graph.trainable().isEmpty()) {
            throw new IllegalArgumentException("the trainable-parameter selection matches no parameter of the model");
        }
        LossTerms terms = new LossTerms(graph, layout);
        SDVariable loss = method.loss(terms);
        SDVariable forgetNll = terms.forgetNll(), retainNll = layout.has(RowGroup.RETAIN) ? terms.retainNll() : null;
        graph.setLoss(loss);
        List<String> outputs = new ArrayList<>(List.of(loss.name(), forgetNll.name()));
        if (retainNll != null) {
            outputs.add(retainNll.name());
        }
        terms.loggedTerms().values().forEach(v -> outputs.add(v.name()));
        ReferenceHidden refHidden = terms.referenceHiddenLayer() < 0 ? null
                : new ReferenceHidden(new LlamaGraph(ckpt.config(), ckpt.weights(), layout.rows(), time, n -> false), terms.referenceHiddenLayer());

        if (outputDir != null) {
            writeManifest(layout, totalSteps, f.size(), r.size(), time, train);
            if (layout.has(RowGroup.REFUSAL)) {
                writeRefusals(forgetSet);
            }
        }
        Batches batches = new Batches(layout, f, r, refusalRows, forgetRef, refusalRef, time, seed);
        List<StepMetrics> metrics = new ArrayList<>();
        int first = resume ? restore(graph, totalSteps) : 0;
        for (int i = 0; i < first * accumulation; i++) { // replay the data order up to the snapshot
            batches.next();
        }
        try (BufferedWriter log = outputDir == null ? null : openLog(first)) {
            for (int step = first; step < totalSteps; step++) {
                long start = System.nanoTime();
                Map<String, INDArray> grads = null;
                Map<String, Double> values = new LinkedHashMap<>();
                for (int micro = 0; micro < accumulation; micro++) {
                    Batches.Batch b = batches.next();
                    INDArray refLogProbs = terms.usesReferenceDistributions() ? referenceLogProbs(reference, b.tokens(), b.valid()) : null;
                    INDArray hiddenRef = refHidden == null ? null : refHidden.of(b.tokens(), b.valid(), b.labels());
                    Map<String, INDArray> feed = terms.feed(b.tokens(), b.valid(), b.labels(), b.reference(), refLogProbs, hiddenRef);
                    Nd4j.getRandom().setSeed(seed * 1_000_003L + (long) step * accumulation + micro); // LoRA dropout masks
                    var pass = graph.gradientsAndOutputs(feed, outputs.toArray(String[]::new));
                    for (String name : outputs) {
                        values.merge(name, pass.outputs().get(name).getDouble(0) / accumulation, Double::sum);
                    }
                    if (grads == null) {
                        grads = new LinkedHashMap<>();
                        for (var g : pass.gradients().entrySet()) {
                            grads.put(g.getKey(), g.getValue().dup());
                        }
                    } else {
                        for (var g : pass.gradients().entrySet()) {
                            grads.get(g.getKey()).addi(g.getValue());
                        }
                    }
                }
                if (accumulation > 1) {
                    grads.values().forEach(g -> g.divi(accumulation));
                }
                double norm = globalNorm(grads);
                double lossValue = values.get(loss.name());
                if (!Double.isFinite(norm) || !Double.isFinite(lossValue)) {
                    throw new DivergenceException(step, lossValue, norm);
                }
                if (clipNorm > 0 && norm > clipNorm) {
                    for (INDArray g : grads.values()) {
                        g.muli(clipNorm / norm);
                    }
                }
                double lr = optimizer.learningRate() * schedule.factor(step, totalSteps);
                optimizer.step(graph.parameters(), grads, lr);
                System.gc(); // frees the step's native intermediates (see LlamaGraph)
                Map<String, Double> named = new LinkedHashMap<>();
                terms.loggedTerms().forEach((n, v) -> named.put(n, values.get(v.name())));
                StepMetrics m = new StepMetrics(step, lr, lossValue, named, values.get(forgetNll.name()),
                        retainNll != null ? values.get(retainNll.name()) : Double.NaN, norm, (System.nanoTime() - start) / 1e9);
                metrics.add(m);
                if (log != null) {
                    log.write(JSON.writeValueAsString(m));
                    log.newLine();
                    log.flush();
                }
                if (checkpointEvery > 0 && (step + 1) % checkpointEvery == 0) {
                    Map<String, INDArray> trained = new LinkedHashMap<>();
                    graph.trainable().forEach(n -> trained.put(n, graph.parameter(n)));
                    TrainingCheckpoint.write(outputDir.resolve("checkpoint"), step + 1, optimizer.stepsTaken(), trained, optimizer.state());
                }
                listener.stepDone(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, INDArray> finalWeights = method.finish(ckpt.weights().asMap(), graph.mergedWeights());
        Checkpoint result = new Checkpoint(ckpt.config(), new ModelWeights(finalWeights, null, null));
        if (outputDir != null) {
            try {
                HfCheckpoint.save(result, outputDir);
                saveTokenizer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new UnlearningRun(result, metrics);
    }

    /** {@code manifest.json}: everything needed to tell runs apart and to repeat one. */
    private void writeManifest(BatchLayout layout, int totalSteps, int forgetCount, int retainCount, int time, Predicate<String> train) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mubench_version", "0.1.0-SNAPSHOT");
        m.put("method", method.name());
        m.put("method_parameters", method.toString());
        m.put("optimizer", optimizer.toString());
        m.put("learning_rate", optimizer.learningRate());
        m.put("schedule", schedule.toString());
        m.put("steps", totalSteps);
        m.put("epochs", epochs > 0 ? epochs : null);
        m.put("gradient_accumulation", accumulation);
        m.put("batch_rows", layout.toString());
        m.put("max_length", maxLength);
        m.put("sequence_length", time + 1);
        m.put("clip_norm", clipNorm);
        m.put("seed", seed);
        m.put("trainable_parameters", lora != null ? "LoRA adapters" : model.checkpoint().weights().asMap().keySet().stream().filter(train).toList());
        m.put("lora", lora);
        m.put("refusals", layout.has(RowGroup.REFUSAL) ? refusals.toString() + "; see refusals.jsonl" : null);
        m.put("forget_examples", forgetCount);
        m.put("forget_sha256", sha256(forget));
        m.put("retain_examples", retainCount);
        m.put("retain_sha256", retainCount == 0 ? null : sha256(retain));
        m.put("model", model.checkpoint().config());
        try {
            Files.createDirectories(outputDir);
            io.github.mubench.tensor.checkpoint.AtomicFiles.write(outputDir.resolve("manifest.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code refusals.jsonl}: the refusal each forget prompt was trained towards, whether given or generated. */
    private void writeRefusals(List<UnlearnExample> withRefusals) {
        StringBuilder out = new StringBuilder();
        try {
            for (int i = 0; i < withRefusals.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", withRefusals.get(i).prompt());
                row.put("refusal", withRefusals.get(i).refusal());
                row.put("source", forget.get(i).refusal() != null ? "data" : refusals.toString());
                out.append(JSON.writeValueAsString(row)).append('\n');
            }
            io.github.mubench.tensor.checkpoint.AtomicFiles.write(outputDir.resolve("refusals.jsonl"),
                    out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 over the examples' prompts and responses, in order: the data's identity. */
    private static String sha256(List<UnlearnExample> examples) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            for (UnlearnExample e : examples) {
                md.update(e.prompt().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.response().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (e.refusal() != null) {
                    md.update(e.refusal().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                md.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The output folder gets the model's tokenizer too, so that it loads as a complete HF model. */
    private void saveTokenizer() throws IOException {
        Path source = model.checkpoint().weights().source();
        if (source != null && Files.isDirectory(source)) {
            HfTokenizerFiles.copy(source, outputDir);
        } else if (model.tokenizer() instanceof Llama2cTokenizer t) {
            HfTokenizerFiles.write(t.toHfTokenizerJson(), "<s>", "</s>", outputDir);
        }
    }

    private void validate() {
        if (method == null) {
            throw new IllegalArgumentException("no unlearning method set");
        }
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("the model has no tokenizer; unlearning data is text");
        }
        if (forget.isEmpty()) {
            throw new IllegalArgumentException("the forget set is empty");
        }
        Set<RowGroup> groups = method.rowGroups();
        if ((groups.contains(RowGroup.RETAIN) || groups.contains(RowGroup.RANDOM_BENIGN)) && retain.isEmpty()) {
            throw new IllegalArgumentException("method '" + method.name() + "' needs a retain set, and none was given");
        }
        if ((groups.contains(RowGroup.RANDOM_HARMFUL) || groups.contains(RowGroup.RANDOM_BENIGN)) && method.mismatchesPerForgetRow() < 1) {
            throw new IllegalArgumentException("method '" + method.name() + "' reads random-mismatch rows but asks for "
                    + method.mismatchesPerForgetRow() + " per forget row");
        }
        if ((checkpointEvery > 0 || resume) && outputDir == null) {
            throw new IllegalArgumentException("checkpoints and resume need an output directory");
        }
        if (steps < 1 || forgetBatch < 1 || (groups.contains(RowGroup.RETAIN) && retainBatch < 1) || maxLength < 2
                || accumulation < 1 || epochs < 0) {
            throw new IllegalArgumentException("steps, batch sizes and gradient accumulation must be >= 1, epochs >= 0, maxLength >= 2");
        }
    }

    private List<TokenizedExample> tokenize(List<UnlearnExample> examples) {
        return examples.stream().map(e -> TokenizedExample.of(model, e)).toList();
    }

    /** The reference model's log-probabilities at every position of a batch, {@code [B*T, V]}. */
    private static INDArray referenceLogProbs(Llama reference, int[][] tokens, boolean[][] valid) {
        INDArray logits = reference.forward(tokens, valid, reference.newCache(tokens.length, tokens[0].length), false);
        return org.nd4j.linalg.factory.Nd4j.nn.logSoftmax(logits, -1).reshape(-1, logits.size(2));
    }

    /** {@code S_ref} of each forget example under the frozen starting model (computed once, as it never changes). */
    private static double[] referenceLogprobs(Llama reference, List<TokenizedExample> examples) {
        LogLikelihood ll = new LogLikelihood(reference, 8);
        List<LogLikelihood.Request> requests = examples.stream()
                .map(e -> new LogLikelihood.Request(e.promptIds(), e.responseIds())).toList();
        return ll.score(requests).stream().mapToDouble(LogLikelihood.Result::logprob).toArray();
    }

    private static double globalNorm(Map<String, INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }

    /** metrics.jsonl, keeping the lines of the {@code keep} steps a resumed run does not redo. */
    private BufferedWriter openLog(int keep) throws IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve("metrics.jsonl");
        List<String> kept = keep > 0 && Files.exists(file) ? Files.readAllLines(file).subList(0, keep) : List.of();
        BufferedWriter w = Files.newBufferedWriter(file);
        for (String line : kept) {
            w.write(line);
            w.newLine();
        }
        return w;
    }

    /** Loads the snapshot into the graph and optimizer; returns the steps it completed (0 without one). */
    private int restore(LlamaGraph graph, int totalSteps) {
        var snap = TrainingCheckpoint.read(outputDir.resolve("checkpoint"));
        if (snap == null) {
            return 0;
        }
        if (!snap.params().keySet().equals(graph.trainable()) || snap.steps() > totalSteps) {
            throw new IllegalArgumentException("the checkpoint in " + outputDir.resolve("checkpoint")
                    + " is of another configuration (its parameters or step count differ); remove it or start fresh");
        }
        snap.params().forEach((n, a) -> graph.parameter(n).assign(a));
        optimizer.restore(snap.optimizer(), snap.optimizerSteps());
        return snap.steps();
    }

    /** The frozen starting model's residual stream at one layer, from a graph of its own. */
    private record ReferenceHidden(LlamaGraph graph, int layer) {
        INDArray of(int[][] tokens, boolean[][] valid, int[][] labels) {
            String name = graph.hidden(layer).name();
            return graph.output(graph.feed(tokens, valid, labels), name).get(name);
        }
    }
}
