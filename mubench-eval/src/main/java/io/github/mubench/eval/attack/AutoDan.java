package io.github.mubench.eval.attack;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.eval.data.Datasets;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.JailbreakTemplate;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.score.LogLikelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * AutoDAN-GA (Liu et al. 2024): a genetic search over jailbreak prototypes whose fitness is the target model's
 * log-likelihood of an affirmative answer. The population starts from the prototypes (AutoDAN's own and the DAN
 * family) and word-mutated copies of them; each generation keeps its elites, picks parents by softmax of fitness,
 * crosses them sentence by sentence and mutates words. The paper mutates with an LLM; here a mutation swaps a word for
 * one drawn from the population's vocabulary, so the attack needs only the target. The best prompt seen is kept.
 */
public final class AutoDan implements Attack {
    /** Budgets: the defaults are the paper's; the {@code cpu} preset is 5 generations of 8 with 25% elites. */
    public record Config(
            @Param(value = "100", doc = "generations") int generations,
            @Param(value = "256", doc = "individuals per generation") int population,
            @Param(value = "0.05", doc = "fraction of a generation carried over unchanged") double elites,
            @Param(value = "0.5", doc = "probability that a child mixes two parents (else it copies one)") double crossover,
            @Param(value = "0.01", doc = "probability of each word being swapped") double mutation) {
        public Config {
            Parameters.atLeast("generations", generations, 1);
            Parameters.atLeast("population", population, 2);
            for (double p : new double[]{elites, crossover, mutation}) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("elites, crossover and mutation are fractions in [0, 1], got " + p);
                }
            }
        }
    }

    /**
     * One search.
     *
     * @param prompt   the best prototype found, with the request in it
     * @param bestLoss the best target loss after each generation (non-increasing)
     */
    public record Result(String prompt, double initialLoss, double[] bestLoss) {
    }

    /** Stands for the whole user turn when the chat layout is rendered. */
    private static final String USER = "{user}";

    private final LoadedModel model;
    private final Config config;
    private final long seed;
    private final List<JailbreakTemplate> prototypes;
    private final LogLikelihood scorer;

    /** With AutoDAN's prototype and the DAN-family templates as the starting population. */
    public AutoDan(LoadedModel model, Config config, long seed) {
        this(model, config, seed, seeds());
    }

    /** With given prototypes (a request goes where each has {@link JailbreakTemplate#PLACEHOLDER}, else after it). */
    public AutoDan(LoadedModel model, Config config, long seed, List<JailbreakTemplate> prototypes) {
        this.model = model;
        this.seed = seed;
        this.config = config;
        this.prototypes = List.copyOf(prototypes);
        this.scorer = new LogLikelihood(model.inference(), 4);
    }

    private static List<JailbreakTemplate> seeds() {
        List<JailbreakTemplate> all = new ArrayList<>(Datasets.load("autodan_init", JailbreakTemplate.class).items());
        all.addAll(Datasets.load("dan_templates", JailbreakTemplate.class).items());
        return all;
    }

    @Override
    public String name() {
        return "autodan";
    }

    @Override
    public Map<String, Object> parameters() {
        return Attacks.withSeed(config, seed);
    }

    @Override
    public AttackedPrompt attack(HarmfulPrompt item) {
        Result r = optimize(item.prompt(), item.target() != null ? item.target() : Gcg.DEFAULT_TARGET);
        Map<String, Object> p = new LinkedHashMap<>(parameters());
        p.put("loss", r.bestLoss()[r.bestLoss().length - 1]);
        p.put("initial_loss", r.initialLoss());
        return new AttackedPrompt(item.id(), name(), p, null, r.prompt(), "none");
    }

    /** Searches for a prototype that makes {@code target} likely after {@code request}. */
    public Result optimize(String request, String target) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> population = new ArrayList<>();
        List<String> seedWords = vocabulary(prototypes.stream().map(JailbreakTemplate::text).toList());
        for (int i = 0; population.size() < config.population(); i++) {
            String text = prototypes.get(i % prototypes.size()).text();
            population.add(i < prototypes.size() ? text : mutate(text, seedWords, rnd, 0.05));
        }
        // the chat rendering around the user turn is the same for every individual: rendered once
        TargetPrompt layout = TargetPrompt.of(model, USER, USER, target);
        double[] fitness = losses(population, request, layout);
        String best = population.get(argmin(fitness));
        double bestLoss = fitness[argmin(fitness)], initial = fitness[0];
        double[] history = new double[config.generations()];
        int elites = Math.max(1, (int) Math.round(config.elites() * config.population()));
        for (int g = 0; g < config.generations(); g++) {
            Integer[] order = ranking(fitness);
            List<String> next = new ArrayList<>();
            for (int e = 0; e < elites; e++) {
                next.add(population.get(order[e]));
            }
            List<String> words = vocabulary(population);
            double[] weights = softmaxOfNegative(fitness);
            while (next.size() < config.population()) {
                String a = population.get(draw(weights, rnd)), b = population.get(draw(weights, rnd));
                String child = rnd.nextDouble() < config.crossover() ? crossover(a, b, rnd) : a;
                next.add(mutate(child, words, rnd, config.mutation()));
            }
            population = next;
            fitness = losses(population, request, layout);
            int i = argmin(fitness);
            if (fitness[i] < bestLoss) {
                bestLoss = fitness[i];
                best = population.get(i);
            }
            history[g] = bestLoss;
        }
        return new Result(new JailbreakTemplate("autodan", "AutoDAN", best).apply(request), initial, history);
    }

    /** Mean NLL of the target after each prototype with the request in it. */
    private double[] losses(List<String> population, String request, TargetPrompt layout) {
        List<LogLikelihood.Request> requests = new ArrayList<>();
        for (String p : population) {
            String user = new JailbreakTemplate("x", "AutoDAN", p).apply(request);
            requests.add(new LogLikelihood.Request(layout.context(model.tokenizer().encode(user, false)), layout.target()));
        }
        return scorer.score(requests).stream().mapToDouble(r -> -r.logprob() / r.tokenLogprobs().length).toArray();
    }

    /** Sentence by sentence, each from one parent or the other. */
    private static String crossover(String a, String b, SplittableRandom rnd) {
        String[] sa = a.split("(?<=[.!?])\\s+"), sb = b.split("(?<=[.!?])\\s+");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.max(sa.length, sb.length); i++) {
            String[] from = rnd.nextBoolean() ? sa : sb;
            if (i < from.length) {
                out.append(out.length() > 0 ? " " : "").append(from[i]);
            }
        }
        return out.toString();
    }

    /** Each word swapped with probability {@code rate} for one from {@code words}; the placeholder is kept. */
    private static String mutate(String text, List<String> words, SplittableRandom rnd, double rate) {
        String[] parts = text.split(" ", -1);
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].contains("[INSERT") && !parts[i].contains("HERE]") && rnd.nextDouble() < rate && !words.isEmpty()) {
                parts[i] = words.get(rnd.nextInt(words.size()));
            }
        }
        return String.join(" ", parts);
    }

    private static List<String> vocabulary(List<String> texts) {
        return texts.stream().flatMap(t -> Arrays.stream(t.split("\\s+"))).filter(w -> w.matches("[A-Za-z]{3,}")).distinct().sorted().toList();
    }

    private static double[] softmaxOfNegative(double[] loss) {
        double min = Arrays.stream(loss).min().orElse(0);
        double[] w = Arrays.stream(loss).map(l -> Math.exp(-(l - min))).toArray();
        double sum = Arrays.stream(w).sum();
        return Arrays.stream(w).map(x -> x / sum).toArray();
    }

    private static int draw(double[] weights, SplittableRandom rnd) {
        double u = rnd.nextDouble(), acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static Integer[] ranking(double[] loss) {
        Integer[] order = new Integer[loss.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> loss[i]));
        return order;
    }

    private static int argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }
}
