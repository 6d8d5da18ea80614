package io.github.mubench.eval.attack;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.graph.LlamaGraph;
import io.github.mubench.tensor.score.LogLikelihood;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * GCG, greedy coordinate gradient (Zou et al. 2023): optimises an adversarial suffix of the request so that the
 * target model's most likely answer starts with an affirmative target ("Sure, here is ..."). Each step takes the
 * gradient of the target's loss with respect to one-hot suffix tokens (through the embedding, with our autodiff),
 * keeps the top-k tokens per position, scores a batch of single-token swaps with the real loss, and moves to the
 * best. The best suffix seen is returned.
 */
public final class Gcg implements Attack {
    /**
     * Budgets: the defaults are the paper's; the {@code cpu} preset is 20 steps, 10 suffix tokens, top-k 32, 32
     * candidates.
     */
    public record Config(
            @Param(value = "500", doc = "optimisation steps") int steps,
            @Param(value = "20", doc = "adversarial suffix tokens") int suffixLength,
            @Param(value = "256", doc = "tokens kept per position from the gradient") int topK,
            @Param(value = "512", doc = "single-token swaps scored per step") int candidates) {
        public Config {
            Parameters.atLeast("steps", steps, 1);
            Parameters.atLeast("suffixLength", suffixLength, 1);
            Parameters.atLeast("topK", topK, 1);
            Parameters.atLeast("candidates", candidates, 1);
        }
    }

    /**
     * One optimisation.
     *
     * @param suffix      the best suffix's ids
     * @param suffixText  its text
     * @param initialLoss the target's mean NLL with the initial suffix
     * @param bestLoss    the best loss seen after each step (non-increasing)
     */
    public record Result(int[] suffix, String suffixText, double initialLoss, double[] bestLoss) {
        public double loss() {
            return bestLoss.length == 0 ? initialLoss : bestLoss[bestLoss.length - 1];
        }
    }

    /** The target used when an item has none. */
    static final String DEFAULT_TARGET = "Sure, here is";

    private final LoadedModel model;
    private final Config config;
    private final long seed;
    private final LogLikelihood scorer;
    private final boolean[] allowed;

    /** GCG on {@code model} with budgets {@code config}; {@code seed} seeds the candidate draws. */
    public Gcg(LoadedModel model, Config config, long seed) {
        this.model = model;
        this.config = config;
        this.seed = seed;
        this.scorer = new LogLikelihood(model.inference(), 16);
        this.allowed = allowedTokens(model);
    }

    @Override
    public String name() {
        return "gcg";
    }

    @Override
    public Map<String, Object> parameters() {
        return Attacks.withSeed(config, seed);
    }

    @Override
    public AttackedPrompt attack(HarmfulPrompt item) {
        Result r = optimize(item.prompt(), item.target() != null ? item.target() : DEFAULT_TARGET);
        Map<String, Object> p = new LinkedHashMap<>(parameters());
        p.put("loss", r.loss());
        p.put("initial_loss", r.initialLoss());
        return new AttackedPrompt(item.id(), name(), p, null, item.prompt() + " " + r.suffixText(), "none");
    }

    /** Optimises a suffix for {@code request} towards {@code target}. */
    public Result optimize(String request, String target) {
        int[] suffix = initialSuffix();
        String placeholder = model.tokenizer().decode(suffix, true);
        TargetPrompt layout = TargetPrompt.of(model, request + " " + placeholder, placeholder, target);
        int length = layout.context(suffix).length + layout.target().length;
        LlamaGraph graph = new LlamaGraph(model.checkpoint().config(), model.checkpoint().weights(), 1, length - 1, n -> false);
        SplittableRandom rnd = new SplittableRandom(seed);
        double initial = losses(layout, List.of(suffix))[0], best = initial;
        int[] bestSuffix = suffix;
        double[] history = new double[config.steps()];
        for (int step = 0; step < config.steps(); step++) {
            INDArray grad = tokenGradients(graph, layout, suffix, true);
            List<int[]> candidates = candidates(grad, suffix, rnd);
            double[] losses = losses(layout, candidates);
            int pick = 0;
            for (int i = 1; i < losses.length; i++) {
                if (losses[i] < losses[pick]) {
                    pick = i;
                }
            }
            suffix = candidates.get(pick); // GCG moves to the best candidate even when it is worse than now
            if (losses[pick] < best) {
                best = losses[pick];
                bestSuffix = suffix;
            }
            history[step] = best;
        }
        return new Result(bestSuffix, model.tokenizer().decode(bestSuffix, true), initial, history);
    }

    /** "! ! ! ...": GCG's usual start, cut or padded to the suffix length. */
    private int[] initialSuffix() {
        int[] bang = model.tokenizer().encode(String.join(" ", java.util.Collections.nCopies(config.suffixLength(), "!")), false);
        int fill = bang.length > 0 ? bang[bang.length - 1] : firstAllowed();
        int[] out = new int[config.suffixLength()];
        for (int i = 0; i < out.length; i++) {
            out[i] = i < bang.length && allowed[bang[i]] ? bang[i] : fill;
        }
        return out;
    }

    private int firstAllowed() {
        for (int v = 0; v < allowed.length; v++) {
            if (allowed[v]) {
                return v;
            }
        }
        throw new IllegalStateException("no printable token in the vocabulary");
    }

    /**
     * Gradient of the target's mean NLL with respect to each suffix position's one-hot token ({@code [L, V]}):
     * the input-embedding gradient times the transposed embedding matrix; optionally each row scaled to unit norm,
     * as GCG does.
     */
    INDArray tokenGradients(LlamaGraph graph, TargetPrompt layout, int[] suffix, boolean normalize) {
        TargetPrompt.GraphRow row = layout.graphRow(suffix);
        INDArray g = graph.inputEmbeddingGradient(graph.feed(row.tokens(), row.valid(), row.labels()));
        int s = layout.before().length;
        INDArray rows = g.get(NDArrayIndex.interval(s, s + suffix.length), NDArrayIndex.all());
        INDArray embed = graph.parameter("model.embed_tokens.weight");
        INDArray tokenGrad = rows.mmul(embed.transpose());
        if (normalize) {
            tokenGrad.diviColumnVector(tokenGrad.norm2(1).reshape(suffix.length, 1).addi(1e-12));
        }
        return tokenGrad;
    }

    /** Single-token swaps: position i·L/B for candidate i, token drawn from that position's top-k (most negative gradient). */
    private List<int[]> candidates(INDArray grad, int[] suffix, SplittableRandom rnd) {
        int length = suffix.length, vocab = (int) grad.size(1);
        int[][] top = new int[length][];
        for (int pos = 0; pos < length; pos++) {
            float[] row = grad.getRow(pos).toFloatVector();
            Integer[] order = new Integer[vocab];
            for (int v = 0; v < vocab; v++) {
                order[v] = v;
            }
            Arrays.sort(order, (a, b) -> Float.compare(allowed[a] ? row[a] : Float.MAX_VALUE, allowed[b] ? row[b] : Float.MAX_VALUE));
            int k = 0;
            while (k < Math.min(config.topK(), vocab) && allowed[order[k]]) {
                k++;
            }
            top[pos] = Arrays.stream(order, 0, Math.max(k, 1)).mapToInt(Integer::intValue).toArray();
        }
        List<int[]> out = new ArrayList<>();
        List<int[]> unfiltered = new ArrayList<>();
        for (int i = 0; i < config.candidates(); i++) {
            int pos = (int) ((long) i * length / config.candidates());
            int[] c = suffix.clone();
            c[pos] = top[pos][rnd.nextInt(top[pos].length)];
            unfiltered.add(c);
            // keep suffixes that survive decoding and re-encoding, so the text sent is the suffix optimised
            if (Arrays.equals(model.tokenizer().encode(model.tokenizer().decode(c, true), false), c)) {
                out.add(c);
            }
        }
        return out.isEmpty() ? unfiltered : out;
    }

    /** The target's mean NLL after each suffix, scored in batches. */
    double[] losses(TargetPrompt layout, List<int[]> suffixes) {
        List<LogLikelihood.Request> requests = suffixes.stream()
                .map(s -> new LogLikelihood.Request(layout.context(s), layout.target())).toList();
        return scorer.score(requests).stream().mapToDouble(r -> -r.logprob() / layout.target().length).toArray();
    }

    /** Printable-ASCII, non-special tokens: what GCG may put in a suffix. */
    private static boolean[] allowedTokens(LoadedModel model) {
        int v = model.checkpoint().config().vocabSize();
        boolean[] ok = new boolean[v];
        for (int id = 0; id < Math.min(v, model.tokenizer().vocabSize()); id++) {
            String s = model.tokenizer().decode(new int[]{id}, true);
            ok[id] = !s.isEmpty() && s.chars().allMatch(ch -> ch >= 0x20 && ch <= 0x7E);
        }
        return ok;
    }
}
