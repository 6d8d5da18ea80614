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
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.optim.AdamW;
import io.github.mubench.unlearn.optim.LrSchedule;
import io.github.mubench.unlearn.optim.Optimizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Runs an unlearning method on a model: the shared trainer every method uses. Each step takes {@code forgetBatch}
 * forget examples and, when the method needs them, {@code retainBatch} retain examples (cycled in a seeded order),
 * computes the method's loss and gradients on one graph, clips, and applies the optimizer.
 * <pre>{@code
 * UnlearningRun run = Unlearning.of(model).method(new Npo()).forget(f).retain(r)
 *         .optimizer(AdamW.lr(1e-5)).steps(100).seed(0).outputDir(dir).run();
 * }</pre>
 */
public final class Unlearning {
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
    private boolean paired;
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

    /**
     * Preference pairs for preference methods (DPO): the rejected responses become the forget examples and the
     * chosen ones the retain examples, kept pair for pair.
     */
    public Unlearning preferences(List<io.github.mubench.unlearn.data.PreferenceExample> pairs) {
        this.forget = pairs.stream().map(p -> new UnlearnExample(p.prompt(), p.rejected())).toList();
        this.retain = pairs.stream().map(p -> new UnlearnExample(p.prompt(), p.chosen())).toList();
        this.paired = true;
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

    public Unlearning steps(int n) {
        this.steps = n;
        return this;
    }

    /** Forget and retain rows per step. */
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
        boolean pairs = method.needsPreferences();
        List<TokenizedExample> f = tokenize(forget), r = method.needsRetain() || pairs ? tokenize(retain) : List.of();
        int rows = pairs ? 2 * forgetBatch : forgetBatch + (method.needsRetain() ? retainBatch : 0);
        int time = 0;
        for (TokenizedExample e : f) {
            time = Math.max(time, e.length());
        }
        for (TokenizedExample e : r) {
            time = Math.max(time, e.length());
        }
        time = Math.min(time, maxLength) - 1; // inputs are all tokens but the last
        Llama reference = method.needsReference() ? model.inference() : null; // the frozen starting weights
        double[] forgetRef = reference != null ? referenceLogprobs(reference, f) : null;
        double[] retainRef = reference != null && pairs ? referenceLogprobs(reference, r) : null;

        var ckpt = model.checkpoint();
        Predicate<String> train = trainable != null ? trainable : method.trainable() != null ? method.trainable() : n -> true;
        LlamaGraph graph = new LlamaGraph(ckpt.config(), ckpt.weights(), rows, time, train, lora);
        if (graph.trainable().isEmpty()) {
            throw new IllegalArgumentException("the trainable-parameter selection matches no parameter of the model");
        }
        LossTerms terms = new LossTerms(graph);
        SDVariable loss = method.loss(terms);
        SDVariable forgetNll = terms.forgetNll(), retainNll = terms.retainNll();
        graph.setLoss(loss);
        ReferenceHidden refHidden = terms.referenceHiddenLayer() < 0 ? null
                : new ReferenceHidden(new LlamaGraph(ckpt.config(), ckpt.weights(), rows, time, n -> false), terms.referenceHiddenLayer());

        if (outputDir != null) {
            writeManifest(f.size(), r.size(), rows, time, train);
        }
        Random rnd = new Random(seed);
        Order forgetOrder = new Order(f.size(), rnd), retainOrder = new Order(Math.max(1, r.size()), rnd);
        List<StepMetrics> metrics = new ArrayList<>();
        int first = resume ? restore(graph) : 0;
        for (int i = 0; i < first; i++) { // replay the data order up to the snapshot
            for (int row = 0; row < rows; row++) {
                if (row < forgetBatch) {
                    forgetOrder.next();
                } else if (!pairs) {
                    retainOrder.next();
                }
            }
        }
        try (BufferedWriter log = outputDir == null ? null : openLog(first)) {
            for (int step = first; step < steps; step++) {
                long start = System.nanoTime();
                int[][] tokens = new int[rows][time], labels = new int[rows][time];
                boolean[][] valid = new boolean[rows][time];
                boolean[] isForget = new boolean[rows];
                double[] ref = new double[rows];
                int[] drawn = new int[rows];
                for (int row = 0; row < rows; row++) {
                    boolean fr = row < forgetBatch;
                    // preference pairs: row bf+i holds the chosen response of the pair in row i
                    int idx = fr ? forgetOrder.next() : pairs ? drawn[row - forgetBatch] : retainOrder.next();
                    drawn[row] = idx;
                    pack(fr ? f.get(idx) : r.get(idx), tokens[row], valid[row], labels[row]);
                    isForget[row] = fr;
                    ref[row] = fr ? (forgetRef != null ? forgetRef[idx] : 0) : (retainRef != null ? retainRef[idx] : 0);
                }
                INDArray refLogProbs = terms.usesReferenceDistributions() ? referenceLogProbs(reference, tokens, valid) : null;
                INDArray hiddenRef = refHidden == null ? null : refHidden.of(tokens, valid, labels);
                Map<String, INDArray> feed = terms.feed(tokens, valid, labels, isForget, ref, refLogProbs, hiddenRef);
                var pass = graph.gradientsAndOutputs(feed, loss.name(), forgetNll.name(), retainNll.name());
                Map<String, INDArray> values = pass.outputs(), grads = pass.gradients();
                double norm = globalNorm(grads);
                if (!Double.isFinite(norm) || !Double.isFinite(values.get(loss.name()).getDouble(0))) {
                    throw new DivergenceException(step, values.get(loss.name()).getDouble(0), norm);
                }
                if (clipNorm > 0 && norm > clipNorm) {
                    for (INDArray g : grads.values()) {
                        g.muli(clipNorm / norm);
                    }
                }
                double lr = optimizer.learningRate() * schedule.factor(step, steps);
                optimizer.step(graph.parameters(), grads, lr);
                System.gc(); // frees the step's native intermediates (see LlamaGraph)
                StepMetrics m = new StepMetrics(step, lr, values.get(loss.name()).getDouble(0),
                        values.get(forgetNll.name()).getDouble(0),
                        method.needsRetain() ? values.get(retainNll.name()).getDouble(0) : Double.NaN, norm,
                        (System.nanoTime() - start) / 1e9);
                metrics.add(m);
                if (log != null) {
                    log.write(new ObjectMapper().writeValueAsString(m));
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
    private void writeManifest(int forgetCount, int retainCount, int rows, int time, Predicate<String> train) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mubench_version", "0.1.0-SNAPSHOT");
        m.put("method", method.name());
        m.put("method_parameters", method.toString());
        m.put("optimizer", optimizer.toString());
        m.put("learning_rate", optimizer.learningRate());
        m.put("schedule", schedule.toString());
        m.put("steps", steps);
        m.put("forget_batch", forgetBatch);
        m.put("retain_batch", method.needsRetain() ? retainBatch : 0);
        m.put("max_length", maxLength);
        m.put("sequence_length", time + 1);
        m.put("clip_norm", clipNorm);
        m.put("seed", seed);
        m.put("trainable_parameters", lora != null ? "LoRA adapters" : model.checkpoint().weights().asMap().keySet().stream().filter(train).toList());
        m.put("lora", lora);
        m.put("forget_examples", forgetCount);
        m.put("forget_sha256", sha256(forget));
        m.put("retain_examples", retainCount);
        m.put("retain_sha256", retainCount == 0 ? null : sha256(retain));
        m.put("model", model.checkpoint().config());
        try {
            Files.createDirectories(outputDir);
            io.github.mubench.tensor.checkpoint.AtomicFiles.write(outputDir.resolve("manifest.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
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
        if (method.needsPreferences() && !paired) {
            throw new IllegalArgumentException("method '" + method.name() + "' trains on preference pairs: give them "
                    + "with preferences(...) (CLI: --preferences FILE.jsonl of {prompt, chosen, rejected})");
        }
        if (forget.isEmpty()) {
            throw new IllegalArgumentException("the forget set is empty");
        }
        if (method.needsRetain() && retain.isEmpty()) {
            throw new IllegalArgumentException("method '" + method.name() + "' needs a retain set, and none was given");
        }
        if ((checkpointEvery > 0 || resume) && outputDir == null) {
            throw new IllegalArgumentException("checkpoints and resume need an output directory");
        }
        if (steps < 1 || forgetBatch < 1 || (method.needsRetain() && retainBatch < 1) || maxLength < 2) {
            throw new IllegalArgumentException("steps, batch sizes must be >= 1 and maxLength >= 2");
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

    /** Right-pads one example into a row; labels are next-token targets on response positions only. */
    private static void pack(TokenizedExample e, int[] tokens, boolean[] valid, int[] labels) {
        int[] ids = e.ids();
        int keep = Math.min(ids.length, tokens.length + 1);
        int from = ids.length - keep; // cut from the left if too long
        int promptEnd = e.promptIds().length - from;
        Arrays.fill(labels, -100);
        for (int t = 0; t < keep - 1; t++) {
            tokens[t] = ids[from + t];
            valid[t] = true;
            if (t + 1 >= promptEnd) {
                labels[t] = ids[from + t + 1];
            }
        }
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
    private int restore(LlamaGraph graph) {
        var snap = TrainingCheckpoint.read(outputDir.resolve("checkpoint"));
        if (snap == null) {
            return 0;
        }
        if (!snap.params().keySet().equals(graph.trainable()) || snap.steps() > steps) {
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

    /** A seeded order through n items, reshuffled at each pass. */
    private static final class Order {
        private final List<Integer> order = new ArrayList<>();
        private final Random rnd;
        private int at;

        Order(int n, Random rnd) {
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            this.rnd = rnd;
            Collections.shuffle(order, rnd);
        }

        int next() {
            if (at == order.size()) {
                Collections.shuffle(order, rnd);
                at = 0;
            }
            return order.get(at++);
        }
    }
}
