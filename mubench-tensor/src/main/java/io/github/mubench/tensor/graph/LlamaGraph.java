package io.github.mubench.tensor.graph;

import io.github.mubench.tensor.model.TensorNames;
import io.github.mubench.tensor.Nd4jRuntime;
import io.github.mubench.tensor.model.AttentionMask;
import io.github.mubench.tensor.model.Kernels;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.ModelWeights;
import io.github.mubench.tensor.model.Rope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Llama-family decoder as a SameDiff graph, for training: the same architecture as the inference path
 * ({@link io.github.mubench.tensor.model.Llama}), built for one batch shape {@code [B, T]}, with autodiff.
 * <p>
 * Exposes what unlearning losses need: per-token log-probabilities of labels, the logits, and every layer's
 * residual-stream output ({@code hidden(l)}, as HF's {@code hidden_states[l+1]}). No gradient is computed for
 * parameters outside the trainable set (graph constants, or weights outside SameDiff whose gradients are not made), and
 * none is returned for a trainable one the loss does not depend on (PyTorch leaves its {@code .grad} unset, and its
 * optimizers skip it; so do ours, which step the parameters they are given gradients of).
 * <p>
 * SameDiff 1.0.0-M2.1 cannot differentiate through {@code gather}, so the token embedding is looked up eagerly into
 * the {@code input_embeds} variable and its gradient scatter-added back into the embedding's gradient.
 * <p>
 * Memory: SameDiff M2.1 keeps every intermediate of a gradient computation until the computation ends (1.7 GB of
 * them in this graph on the 56M model at B 4 × T 128); {@link EarlyRelease} frees each once its last reader has run,
 * and when the computation ends what is left that is not a result (there: 16 MB a step left to the collector, 43
 * before). ND4J frees native memory only when the Java wrappers are collected, so a training loop should call
 * {@code System.gc()} between steps; this graph drops SameDiff's execution sessions after each gradient computation
 * so that what is left of the step is garbage by then (56M model, B 4 × T 128: RSS 1.5 GB with SGD steps, 1.8 GB
 * with AdamW's moments, flat over steps; see mubench-bench's TrainStepHarness). Ops whose M2.1 backward is slow or vocabulary-sized are avoided by construction: see
 * {@link #rmsNorm} and {@link #rotate} (the final norm, and the SameDiff-ops path) and {@link LabelLogprobHead}.
 * <p>
 * On the CPU backend ({@link Kernels#onHost()}) each layer's attention and MLP sub-layers, norms included, run outside
 * SameDiff ({@link OutsideAttention#block}, {@link OutsideMlp}: OpenBLAS products into buffers kept per layer, the
 * weights' gradients made there, {@link OutsideGradients}); SameDiff keeps the residual sums, the final norm, the
 * head's stand-in and the loss terms. With LoRA the projections stay on the graph (SameDiff differentiates the
 * adapters) and only the attention cores and SwiGLU gates run outside it. Elsewhere (CUDA) everything is SameDiff's.
 * <p>
 * Not thread-safe: one thread at a time per graph.
 */
public final class LlamaGraph {
    /** Name of the embedding-lookup variable ({@code [B*T, d]}). */
    public static final String INPUT_EMBEDS = "input_embeds";
    private static final String EMBED = TensorNames.EMBED;

    private final LlamaConfig config;
    private final int batch, time;
    private final SameDiff sd = SameDiff.create();
    /** The parameters on the graph (graph variables; constants when frozen). */
    private final Map<String, SDVariable> params = new LinkedHashMap<>();
    /** The parameters of the computations outside SameDiff (projection weights and biases, norm gains). */
    private final Map<String, INDArray> outsideWeights = new HashMap<>();
    /** Every parameter's name but the embedding's, in the order the layers use them. */
    private final List<String> names = new ArrayList<>();
    private final Set<String> trainable = new java.util.LinkedHashSet<>();
    /**
     * The input of each sub-layer outside SameDiff, in layer order, and its parameters: a backward pass must reach the
     * first one with a trainable parameter, whose backward then runs (see {@link #gradientsAndOutputs}).
     */
    private final List<Map.Entry<SDVariable, List<String>>> blockInputs = new ArrayList<>();
    /** The gradients of {@link #outsideWeights} from the last pass; null where the projections are on the graph. */
    private final OutsideGradients outsideGradients;
    private final INDArray embed;
    private final List<SDVariable> hidden = new ArrayList<>();
    private final SDVariable logits, logProbs, tokenLogprobs, meanNll, labelMask;
    /** The label log-probabilities' path: head and softmax outside SameDiff. */
    private final LabelLogprobHead labelHead;
    /**
     * Where {@link Kernels#onHost()}, the computations outside SameDiff (the layers' sub-layers, or with LoRA their
     * attention cores and SwiGLU gates) and the attention's shared state; else null (SameDiff's ops).
     */
    private final OutsideOps outside;
    private final OutsideAttention attention;
    private final Rope rope;
    /** Constant {@code [hd, hd]}: see {@link Rope#rotateHalfMatrix}. */
    private final SDVariable rotateHalf;
    private SDVariable loss;
    private boolean backwardBuilt;
    /** Frees the gradient computation's intermediates early; set with the backward graph. */
    private EarlyRelease release;
    private final LoraConfig lora;
    private java.util.SplittableRandom loraInit;
    /** Token ids of the batch last fed, for scattering the lookup gradient into the embedding. */
    private int[] lastIds;

    /**
     * @param weights   initial values; copied, so the graph's training never writes into them
     * @param trainable which parameter names receive gradients (the others are frozen)
     */
    public LlamaGraph(LlamaConfig config, ModelWeights weights, int batch, int time, Predicate<String> trainable) {
        this(config, weights, batch, time, trainable, null);
    }

    /**
     * A graph with LoRA adapters on the projections {@code lora} targets; then only the adapters train
     * ({@code trainable} is ignored) and {@link #mergedWeights()} folds them into the base weights. With LoRA dropout
     * every pass of this graph drops adapter inputs (it is a training graph); the masks are drawn from
     * {@code Nd4j.getRandom()}, so seeding it before a pass makes the pass repeatable.
     */
    public LlamaGraph(LlamaConfig config, ModelWeights weights, int batch, int time, Predicate<String> trainable,
                      LoraConfig lora) {
        Nd4jRuntime.configure();
        this.lora = lora;
        if (lora != null) {
            loraInit = new java.util.SplittableRandom(lora.seed());
            trainable = name -> name.contains(".lora_");
        }
        this.config = config;
        this.batch = batch;
        this.time = time;
        this.rope = new Rope(config);
        LlamaConfig c = config;
        long d = c.hiddenSize(), hd = c.headDim(), q = (long) c.numHeads() * hd, kv = (long) c.numKvHeads() * hd;
        int h = c.numHeads(), kvh = c.numKvHeads();

        this.embed = weights.get(EMBED, c.vocabSize(), d).dup();
        SDVariable x = sd.var(INPUT_EMBEDS, DataType.FLOAT, (long) batch * time, d);
        SDVariable mask = sd.placeHolder("attention_mask", DataType.FLOAT, batch, 1, 1, time, time);
        long rows = (long) batch * time;
        SDVariable cosQ = sd.placeHolder("cos_q", DataType.FLOAT, rows, q), sinQ = sd.placeHolder("sin_q", DataType.FLOAT, rows, q);
        SDVariable cosK = sd.placeHolder("cos_k", DataType.FLOAT, rows, kv), sinK = sd.placeHolder("sin_k", DataType.FLOAT, rows, kv);
        rotateHalf = sd.constant("rotate_half", Rope.rotateHalfMatrix(c.headDim()));
        labelMask = sd.placeHolder("label_mask", DataType.FLOAT, (long) batch * time);
        SDVariable invCount = sd.placeHolder("inverse_label_count", DataType.FLOAT);
        outside = Kernels.onHost() ? new OutsideOps() : null;
        attention = outside != null ? new OutsideAttention(batch, time, h, kvh, (int) hd) : null;
        // with LoRA the projections stay on the graph, where SameDiff differentiates the adapters
        boolean blocks = outside != null && lora == null;
        outsideGradients = blocks ? new OutsideGradients(this.trainable) : null;
        OutsideSwiGlu.Shared gates = outside != null && !blocks ? new OutsideSwiGlu.Shared((int) rows, c.intermediateSize()) : null;
        OutsideMlp.Shared mlps = blocks ? new OutsideMlp.Shared((int) rows, (int) d, c.intermediateSize()) : null;
        if (outside != null) {
            sd.addListeners(outside);
        }

        if (blocks) {
            x = sd.identity("embedded", x); // an op's output: OutsideOps sees the inputs it hands over made by ops
        }
        for (int l = 0; l < c.numLayers(); l++) {
            if (blocks) { // each sub-layer, norm included, outside SameDiff: see OutsideAttention#block and OutsideMlp
                int first = names.size();
                OutsideNorm attentionNorm = outsideNorm(weights, TensorNames.layer(l, TensorNames.ATTN_NORM), d);
                boolean bias = c.attentionBias();
                OutsideProjection qp = outsideProjection(weights, TensorNames.layer(l, TensorNames.Q_PROJ), q, d, bias);
                OutsideProjection kp = outsideProjection(weights, TensorNames.layer(l, TensorNames.K_PROJ), kv, d, bias);
                OutsideProjection vp = outsideProjection(weights, TensorNames.layer(l, TensorNames.V_PROJ), kv, d, bias);
                OutsideProjection op = outsideProjection(weights, TensorNames.layer(l, TensorNames.O_PROJ), d, q, false);
                blockInputs.add(Map.entry(x, List.copyOf(names.subList(first, names.size()))));
                x = x.add(attention.block(outside, sd, l, x, d, attentionNorm, qp, kp, vp, op, q, kv, outsideGradients));
                first = names.size();
                OutsideNorm mlpNorm = outsideNorm(weights, TensorNames.layer(l, TensorNames.MLP_NORM), d);
                OutsideProjection gate = outsideProjection(weights, TensorNames.layer(l, TensorNames.GATE_PROJ), c.intermediateSize(), d, false);
                OutsideProjection up = outsideProjection(weights, TensorNames.layer(l, TensorNames.UP_PROJ), c.intermediateSize(), d, false);
                OutsideProjection down = outsideProjection(weights, TensorNames.layer(l, TensorNames.DOWN_PROJ), d, c.intermediateSize(), false);
                blockInputs.add(Map.entry(x, List.copyOf(names.subList(first, names.size()))));
                x = x.add(outside.join(sd, "mlp_" + l, new OutsideMlp(mlpNorm, gate, up, down, mlps, outsideGradients), rows, d, x));
                hidden.add(sd.identity("hidden_" + l, x));
                continue;
            }
            SDVariable a = rmsNorm(x, param(weights, TensorNames.layer(l, TensorNames.ATTN_NORM), d));
            SDVariable qp = linear(a, weights, TensorNames.layer(l, TensorNames.Q_PROJ), q, d);
            SDVariable kp = linear(a, weights, TensorNames.layer(l, TensorNames.K_PROJ), kv, d);
            SDVariable vp = linear(a, weights, TensorNames.layer(l, TensorNames.V_PROJ), kv, d);
            SDVariable merged = outside != null ? attention.attend(outside, sd, l, qp, kp, vp, q, kv)
                    : attention(rotate(qp, h, cosQ, sinQ), rotate(kp, kvh, cosK, sinK), vp, mask);
            x = x.add(projection(merged, weights, TensorNames.layer(l, TensorNames.O_PROJ), d, q));

            SDVariable m = rmsNorm(x, param(weights, TensorNames.layer(l, TensorNames.MLP_NORM), d));
            SDVariable gate = projection(m, weights, TensorNames.layer(l, TensorNames.GATE_PROJ), c.intermediateSize(), d);
            SDVariable up = projection(m, weights, TensorNames.layer(l, TensorNames.UP_PROJ), c.intermediateSize(), d);
            SDVariable act = outside != null
                    ? outside.join(sd, "swiglu_" + l, new OutsideSwiGlu((int) rows, c.intermediateSize(), gates), rows, c.intermediateSize(), gate, up)
                    : gate.mul(sd.nn.sigmoid(gate)).mul(up);
            x = x.add(projection(act, weights, TensorNames.layer(l, TensorNames.DOWN_PROJ), d, c.intermediateSize()));
            hidden.add(sd.identity("hidden_" + l, x));
        }
        SDVariable normed = rmsNorm(x, param(weights, TensorNames.FINAL_NORM, d));
        SDVariable head = c.tieWordEmbeddings() ? tiedEmbedding() : param(weights, TensorNames.LM_HEAD, c.vocabSize(), d);
        logits = sd.identity("logits", sd.mmul(normed, head, false, true, false));
        logProbs = sd.identity("log_probs", sd.nn.logSoftmax(logits)); // the explicit-dim overload breaks gradients in M2.1
        labelHead = new LabelLogprobHead(sd, normed, () -> parameter(headName()), (int) rows, d);
        sd.addListeners(labelHead);
        tokenLogprobs = sd.identity("token_logprobs", labelHead.logprobs().mul(labelMask));
        meanNll = sd.identity("mean_nll", tokenLogprobs.sum().mul(invCount).neg());

        for (String name : names) {
            if (trainable.test(name)) {
                this.trainable.add(name);
            }
        }
        if (trainable.test(EMBED)) {
            this.trainable.add(EMBED);
        }
        List<String> frozen = params.keySet().stream().filter(n -> !this.trainable.contains(n)).toList();
        if (!frozen.isEmpty()) {
            sd.convertToConstants(frozen.stream().map(sd::getVariable).toList());
        }
        loss = meanNll;
    }

    /** The head weight's name: the embedding when tied. */
    private String headName() {
        return config.tieWordEmbeddings() ? EMBED : TensorNames.LM_HEAD;
    }

    private SDVariable tiedEmbedding() {
        SDVariable v = sd.var(EMBED, embed);
        params.put(EMBED, v);
        return v; // not in names: parameters() puts the embedding first
    }

    private SDVariable param(ModelWeights w, String name, long... shape) {
        SDVariable v = sd.var(name, w.get(name, shape).dup());
        params.put(name, v);
        names.add(name);
        return v;
    }

    /** A projection outside SameDiff ({@code [out, in]}, with a bias when {@code biased}) and its parameters. */
    private OutsideProjection outsideProjection(ModelWeights w, String prefix, long out, long in, boolean biased) {
        String weightName = TensorNames.weight(prefix), biasName = biased ? TensorNames.bias(prefix) : null;
        INDArray weight = outsideWeight(w, weightName, out, in);
        return new OutsideProjection(weightName, weight, biasName, biased ? outsideWeight(w, biasName, out) : null);
    }

    private OutsideNorm outsideNorm(ModelWeights w, String name, long d) {
        return new OutsideNorm(name, outsideWeight(w, name, d), config.rmsNormEps());
    }

    private INDArray outsideWeight(ModelWeights w, String name, long... shape) {
        INDArray v = w.get(name, shape).dup();
        outsideWeights.put(name, v);
        names.add(name);
        return v;
    }

    private SDVariable linear(SDVariable x, ModelWeights w, String prefix, long out, long in) {
        SDVariable y = projection(x, w, prefix, out, in);
        return config.attentionBias() ? y.add(param(w, TensorNames.bias(prefix), out)) : y;
    }

    /** {@code x·Wᵀ}, plus {@code (α/r)·x·Aᵀ·Bᵀ} when LoRA targets this projection. */
    private SDVariable projection(SDVariable x, ModelWeights w, String prefix, long out, long in) {
        SDVariable y = sd.mmul(x, param(w, TensorNames.weight(prefix), out, in), false, true, false);
        if (lora == null || !lora.targets(prefix)) {
            return y;
        }
        double bound = 1 / Math.sqrt(in);
        float[] init = new float[Math.toIntExact(lora.rank() * in)]; // drawn in Java: ND4J's rand ignores setSeed
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) loraInit.nextDouble(-bound, bound);
        }
        SDVariable a = sd.var(prefix + ".lora_A.weight", Nd4j.create(init, new long[]{lora.rank(), in}, DataType.FLOAT));
        SDVariable b = sd.var(prefix + ".lora_B.weight", Nd4j.zeros(DataType.FLOAT, out, lora.rank()));
        params.put(a.name(), a);
        params.put(b.name(), b);
        names.add(a.name());
        names.add(b.name());
        // dropout masks come from ND4J's global generator: seed it before each pass for repeatable training
        SDVariable adapterInput = x;
        if (lora.dropout() > 0) { // a Bernoulli mask times x: SameDiff's own dropout op has no backward
            double keep = 1 - lora.dropout();
            SDVariable mask = sd.random.bernoulli(keep, DataType.FLOAT, (long) batch * time, in);
            adapterInput = x.mul(mask).div(keep);
        }
        SDVariable low = sd.mmul(sd.mmul(adapterInput, a, false, true, false), b, false, true, false);
        return y.add(low.mul(lora.scale()));
    }

    /**
     * {@code x / rms(x) · gain}, with the per-row scale and the gain joined into one {@code [B*T, d]} factor by an
     * outer product (a rank-1 GEMM): M2.1's backward of a broadcasting multiply is slow (4 ms for one 512 × 512
     * activation here, as long as a GEMM on the same rows), a same-shape multiply's takes ~0.1 ms.
     */
    private SDVariable rmsNorm(SDVariable x, SDVariable gain) {
        SDVariable meanSquare = x.mul(x).mean(true, 1);
        SDVariable inverseRms = sd.math.rsqrt(meanSquare.add(config.rmsNormEps()));
        return x.mul(sd.mmul(inverseRms, gain.reshape(1, config.hiddenSize())));
    }

    /**
     * The attention core on SameDiff's ops (the path where {@link OutsideAttention} is off): {@code [B*T, heads*hd]}
     * from the projections {@code q}, {@code k}, {@code v} (RoPE applied).
     */
    private SDVariable attention(SDVariable q, SDVariable k, SDVariable v, SDVariable mask) {
        LlamaConfig c = config;
        int h = c.numHeads(), kvh = c.numKvHeads(), rep = c.kvGroups();
        long hd = c.headDim();
        // GQA without copies: the rep query heads of a KV head are stacked along time.
        SDVariable grouped = heads(q, h).reshape(batch, kvh, (long) rep * time, hd), kh = heads(k, kvh), vh = heads(v, kvh);
        SDVariable scores = sd.mmul(grouped, kh, false, true, false).mul(1.0 / Math.sqrt(hd));
        SDVariable probs = sd.nn.softmax(scores.reshape(batch, kvh, rep, time, time).add(mask), -1);
        SDVariable out = sd.mmul(probs.reshape(batch, kvh, (long) rep * time, time), vh);
        return out.reshape(batch, h, time, hd).permute(0, 2, 1, 3).reshape((long) batch * time, h * hd);
    }

    /** {@code [B*T, n*hd]} → {@code [B, n, T, hd]}. */
    private SDVariable heads(SDVariable x, int n) {
        return x.reshape(batch, time, n, config.headDim()).permute(0, 2, 1, 3);
    }

    /**
     * RoPE on {@code x [B*T, n*hd]} with tables of the same shape (no broadcasting, for the same reason as in
     * {@link #rmsNorm}); {@code rotateHalf} is one GEMM of {@code x} viewed as {@code [B*T*n, hd]} against a constant
     * signed permutation, which costs less than slicing, negating and concatenating the halves and their backward.
     */
    private SDVariable rotate(SDVariable x, int n, SDVariable cos, SDVariable sin) {
        long rows = (long) batch * time, hd = config.headDim();
        SDVariable rotated = sd.mmul(x.reshape(rows * n, hd), rotateHalf).reshape(rows, n * hd);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** The graph, for methods that build their own loss terms on its outputs. */
    public SameDiff sameDiff() {
        return sd;
    }

    /** Per-token log-probability of the label at each position ({@code [B*T]}, 0 where unlabelled). */
    public SDVariable tokenLogprobs() {
        return tokenLogprobs;
    }

    /** 1 at positions that carry a label (response tokens), 0 elsewhere ({@code [B*T]}). */
    public SDVariable labelMask() {
        return labelMask;
    }

    /** Mean NLL over labelled tokens (HF's causal-LM loss). */
    public SDVariable meanNll() {
        return meanNll;
    }

    /** The placeholder {@link #klToReference} reads: the reference model's log-probabilities {@code [B*T, V]}. */
    public static final String REFERENCE_LOG_PROBS = "reference_log_probs";

    /**
     * {@code KL(π_ref ‖ π_θ)} at every position ({@code [B*T]}), with the reference model's log-probabilities fed as
     * {@link #REFERENCE_LOG_PROBS}: computed outside SameDiff from the head's softmax, like the label log-probabilities
     * (see LabelLogprobHead), with the exact gradient of that value. Call it while building the loss.
     */
    public SDVariable klToReference() {
        if (!sd.hasVariable(REFERENCE_LOG_PROBS)) {
            sd.placeHolder(REFERENCE_LOG_PROBS, DataType.FLOAT, (long) batch * time, config.vocabSize());
        }
        return labelHead.klToReference();
    }

    /** Log-probabilities over the vocabulary at every position ({@code [B*T, V]}). */
    public SDVariable logProbs() {
        return logProbs;
    }

    /** Logits {@code [B*T, V]}. */
    public SDVariable logits() {
        return logits;
    }

    /** Residual-stream output of decoder layer {@code l} ({@code [B*T, d]}). */
    public SDVariable hidden(int layer) {
        return hidden.get(layer);
    }

    /**
     * Uses {@code loss} (a scalar built on this graph) as what {@link #gradients} differentiates. Must be called
     * before the first {@link #gradients} call, which builds the backward graph for the loss of that moment.
     */
    public void setLoss(SDVariable loss) {
        if (backwardBuilt) {
            throw new IllegalStateException("the loss cannot change after gradients were computed");
        }
        this.loss = loss;
    }

    /**
     * Forgets this graph's execution sessions, which otherwise keep every intermediate of the last run referenced
     * until the next run replaces them; dropped, they are garbage at once, so one step's worth of activations is
     * alive at a time instead of two.
     */
    private void dropSessions() {
        sd.getSessions().clear();
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) {
            grad.getSessions().clear();
        }
    }

    /** Builds the backward graph once; SameDiff prints a line per op to stdout while doing so, which we swallow. */
    private void buildBackward() {
        if (backwardBuilt) {
            return;
        }
        sd.setLossVariables(loss.name());
        synchronized (System.class) {
            java.io.PrintStream stdout = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(stdout);
            }
        }
        if (outside != null) {
            outside.gradientsBuilt(sd);
        }
        release = new EarlyRelease(sd.getFunction("grad"));
        sd.addListeners(release); // SameDiff runs the gradient function with the listeners of the graph it came from
        backwardBuilt = true;
    }

    public int batch() {
        return batch;
    }

    /** The architecture this graph was built for. */
    public LlamaConfig config() {
        return config;
    }

    public int time() {
        return time;
    }

    /** Names of the trainable parameters. */
    public Set<String> trainable() {
        return java.util.Collections.unmodifiableSet(trainable);
    }

    /** The current value of a parameter (trainable or frozen); writing to it changes the model. */
    public INDArray parameter(String name) {
        if (name.equals(EMBED)) {
            return embed;
        }
        SDVariable v = params.get(name);
        INDArray outsideWeight = outsideWeights.get(name);
        if (v == null && outsideWeight == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return v != null ? v.getArr() : outsideWeight;
    }

    /**
     * The model's weights under HF names with any LoRA adapters merged in ({@code W + (α/r)·B·A}): copies, ready to
     * save or to load into the inference path.
     */
    public Map<String, INDArray> mergedWeights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : parameters().entrySet()) {
            String name = e.getKey();
            if (name.contains(".lora_")) {
                continue;
            }
            INDArray w = e.getValue().dup();
            String prefix = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : null;
            if (prefix != null && params.containsKey(prefix + ".lora_A.weight")) {
                INDArray a = params.get(prefix + ".lora_A.weight").getArr(), b = params.get(prefix + ".lora_B.weight").getArr();
                w.addi(b.mmul(a).muli(lora.scale()));
            }
            out.put(name, w);
        }
        return out;
    }

    /** Every parameter under its HF name (current values, shared with the graph). */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(EMBED, embed);
        names.forEach(n -> out.put(n, parameter(n)));
        return out;
    }

    /**
     * Placeholder values for one batch: token ids {@code [B][T]}, which are real tokens (padding may be on either
     * side) and next-token labels ({@code -100} = no loss).
     */
    public Map<String, INDArray> feed(int[][] tokens, boolean[][] valid, int[][] labels) {
        if (tokens.length != batch || tokens[0].length != time) {
            throw new IllegalArgumentException("batch of " + tokens.length + "x" + tokens[0].length
                    + " does not fit a graph built for " + batch + "x" + time);
        }
        int[] flat = new int[batch * time];
        int[] labelIds = new int[batch * time];
        float[] labelMask = new float[batch * time];
        int count = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int i = b * time + t;
                flat[i] = tokens[b][t];
                int label = labels[b][t];
                if (label != -100) {
                    if (label < 0 || label >= config.vocabSize()) {
                        throw new IllegalArgumentException("label " + label + " outside the vocabulary of " + config.vocabSize());
                    }
                    labelIds[i] = label;
                    labelMask[i] = 1f;
                    count++;
                }
            }
        }
        sd.getVariable(INPUT_EMBEDS).setArray(Nd4j.pullRows(embed, 1, flat));
        INDArray[] cosSin = rope.tables(AttentionMask.positions(valid));
        Map<String, INDArray> feed = new HashMap<>();
        feed.put("attention_mask", AttentionMask.of(valid, time, time, config.slidingWindow()));
        int h = config.numHeads(), kvh = config.numKvHeads();
        feed.put("cos_q", perHead(cosSin[0], h));
        feed.put("sin_q", perHead(cosSin[1], h));
        feed.put("cos_k", perHead(cosSin[0], kvh));
        feed.put("sin_k", perHead(cosSin[1], kvh));
        labelHead.setLabels(labelIds);
        feed.put("label_mask", Nd4j.create(labelMask, new long[]{(long) batch * time}, 'c'));
        feed.put("inverse_label_count", Nd4j.scalar(count == 0 ? 0f : 1f / count));
        lastIds = flat;
        return feed;
    }

    /** A RoPE table {@code [B, 1, T, hd]} repeated for {@code n} heads, as {@code [B*T, n*hd]}. */
    private INDArray perHead(INDArray table, int n) {
        long hd = config.headDim();
        return table.reshape(batch, time, 1, hd).broadcast(batch, time, n, hd).dup('c').reshape((long) batch * time, n * hd);
    }

    /**
     * Before a pass over {@code feed}: ND4J's settings for this thread, and for the computations outside SameDiff what
     * the attention reads of the feed and whether a backward pass follows.
     */
    private void prepare(Map<String, INDArray> feed, boolean training) {
        Nd4jRuntime.configure(); // for this thread
        if (labelHead.hasKl()) {
            labelHead.setReference(feed.get(REFERENCE_LOG_PROBS));
        }
        if (outside != null) {
            attention.useFeed(feed);
            outside.beginPass(training);
        }
        if (outsideGradients != null) {
            outsideGradients.clear();
        }
    }

    /** Runs the forward pass and returns the named outputs. */
    public Map<String, INDArray> output(Map<String, INDArray> feed, String... names) {
        prepare(feed, false);
        return sd.output(feed, names);
    }

    /**
     * Gradients of the loss with respect to every trainable parameter, for the batch last passed to {@link #feed}.
     * The embedding's gradient gathers its use as LM head (when tied) and its lookups. Each gradient has memory of
     * its own, shared with nothing else: the caller may change it in place. A trainable parameter the loss does not
     * depend on (a layer above the one an RMU loss reads) has no entry.
     */
    public Map<String, INDArray> gradients(Map<String, INDArray> feed) {
        return gradientsAndOutputs(feed).gradients();
    }

    /**
     * Gradient of the loss with respect to the looked-up input embeddings of the batch last passed to {@link #feed}
     * ({@code [B*T, d]}), whatever is trainable. Multiplied by the transposed embedding matrix it is the gradient
     * with respect to one-hot token inputs, by which GCG ranks token swaps.
     */
    public INDArray inputEmbeddingGradient(Map<String, INDArray> feed) {
        prepare(feed, true);
        buildBackward();
        if (outsideGradients != null) {
            outsideGradients.wantNone(); // this pass is for the input's gradient only
        }
        INDArray g;
        try {
            release.begin(gradientNames(List.of(INPUT_EMBEDS)), feed.values());
            g = sd.calculateGradients(feed, List.of(INPUT_EMBEDS)).get(INPUT_EMBEDS);
        } finally {
            release.end();
            dropSessions();
        }
        return g;
    }

    /** Whether the loss depends on variable {@code name} (after {@link #buildBackward}). */
    private boolean hasGradient(String name) {
        SDVariable v = sd.getVariable(name);
        return v != null && v.gradient() != null;
    }

    /** {@code a + b} in {@code a}'s memory where both exist, else whichever exists (or null). */
    private static INDArray sum(INDArray a, INDArray b) {
        return a == null ? b : b == null ? a : a.addi(b);
    }

    /** The gradient function's names for the gradients of {@code variables}. */
    private List<String> gradientNames(List<String> variables) {
        List<String> names = new ArrayList<>();
        for (String v : variables) {
            names.add(v);
            SDVariable gradient = sd.getVariable(v).gradient();
            if (gradient != null) {
                names.add(gradient.name());
            }
        }
        return names;
    }

    /**
     * Gradients and named forward outputs of one batch.
     *
     * @param gradients trainable parameter → gradient
     * @param outputs   requested output name → value
     */
    public record GradientsAndOutputs(Map<String, INDArray> gradients, Map<String, INDArray> outputs) {
    }

    /**
     * {@link #gradients} together with forward outputs (the loss and its terms, say) from the same pass, so that a
     * training step runs the forward once.
     */
    public GradientsAndOutputs gradientsAndOutputs(Map<String, INDArray> feed, String... outputs) {
        prepare(feed, true);
        buildBackward();
        List<String> wanted = new ArrayList<>();
        for (String n : trainable) {
            if ((!n.equals(EMBED) || config.tieWordEmbeddings()) && hasGradient(n)) {
                wanted.add(n); // the head is not on the graph's path when the loss reads only label log-probabilities
            }
        }
        boolean embedTrainable = trainable.contains(EMBED);
        if (embedTrainable) {
            wanted.add(INPUT_EMBEDS);
        } else {
            // SameDiff runs only the backward that the wanted gradients need: that must reach the first sub-layer
            // outside it with a trainable parameter (its input's gradient, dropped below)
            blockInputs.stream().filter(e -> e.getValue().stream().anyMatch(trainable::contains)).findFirst()
                    .ifPresent(e -> wanted.add(e.getKey().name()));
        }
        boolean headTrainable = trainable.contains(headName());
        boolean headViaLabels = headTrainable && hasGradient(labelHead.offsetName());
        boolean headViaKl = headTrainable && labelHead.hasKl() && hasGradient(labelHead.klOffsetName());
        if (headViaLabels) {
            wanted.add(labelHead.offsetName());
        }
        if (headViaKl) {
            wanted.add(labelHead.klOffsetName());
        }
        Map<String, INDArray> values = Map.of();
        Map<String, INDArray> g;
        List<String> results = new ArrayList<>(gradientNames(wanted));
        results.addAll(List.of(outputs));
        try {
            release.begin(results, feed.values());
            if (outputs.length == 0) {
                g = sd.calculateGradients(feed, wanted);
            } else {
                var both = sd.calculateGradientsAndOutputs(feed, List.of(outputs), wanted);
                g = both.getGradients();
                values = both.getOutputs();
            }
        } finally {
            release.end();
            dropSessions();
        }
        INDArray headGradient = headViaLabels || headViaKl ? labelHead.weightGradient(
                headViaLabels ? g.get(labelHead.offsetName()) : null, headViaKl ? g.get(labelHead.klOffsetName()) : null) : null;
        Map<String, INDArray> out = new LinkedHashMap<>();
        java.util.Set<Long> owned = new java.util.HashSet<>();
        for (String n : trainable) {
            if (outsideWeights.containsKey(n)) {
                INDArray made = outsideGradients.get(n); // memory of its own, made this pass; null if not reached
                if (made != null) {
                    out.put(n, made);
                }
            } else if (!n.equals(EMBED)) {
                // SameDiff may hand out one memory for two results (an identity's backward): copy such a gradient,
                // so that callers may scale or accumulate each in place
                INDArray gradient = g.get(n);
                boolean ownsItsMemory = gradient != null && !gradient.isView() && owned.add(EarlyRelease.allocation(gradient.data()));
                INDArray own = gradient == null ? null : ownsItsMemory ? gradient : gradient.dup();
                INDArray total = n.equals(headName()) ? sum(own, headGradient) : own;
                if (total != null) {
                    out.put(n, total);
                }
            }
        }
        if (outsideGradients != null) {
            outsideGradients.clear(); // the caller holds what it was given; the graph keeps nothing of the pass
        }
        if (embedTrainable) {
            INDArray eg = config.tieWordEmbeddings() ? sum(g.containsKey(EMBED) ? g.get(EMBED).dup() : null, headGradient) : null;
            if (eg == null) {
                eg = Nd4j.zeros(DataType.FLOAT, embed.shape());
            }
            RowSums.add(eg, lastIds, g.get(INPUT_EMBEDS));
            out.put(EMBED, eg);
        }
        return new GradientsAndOutputs(out, values);
    }
}
