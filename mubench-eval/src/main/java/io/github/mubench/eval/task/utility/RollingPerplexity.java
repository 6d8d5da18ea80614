package io.github.mubench.eval.task.utility;

import io.github.mubench.eval.data.Passage;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.stats.Estimate;
import io.github.mubench.eval.task.Doc;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.eval.task.Sample;
import io.github.mubench.eval.task.Task;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Perplexity of passages as lm-evaluation-harness computes it for {@code wikitext}: each passage (as {@link
 * #scored} prepares it) is scored with a rolling log-likelihood over the model's context (every token predicted
 * once); words (pieces of a split on whitespace) and UTF-8 bytes are counted on the original passage. Corpus-level
 * metrics: {@code word_perplexity} = exp(−Σll / Σwords), {@code byte_perplexity} = exp(−Σll / Σbytes),
 * {@code bits_per_byte} = −Σll / Σbytes / ln 2, each with a seeded bootstrap interval over passages.
 */
abstract class RollingPerplexity implements Task {
    /** The text that is scored (e.g. detokenized). */
    abstract String scored(Passage passage);

    /** Python's {@code len(re.split(r"\s+", s))} (Unicode whitespace): empty leading and trailing pieces count. */
    static int words(String s) {
        return s.split("(?U)\\s+", -1).length;
    }

    @Override
    public List<Request> requests(Doc doc) {
        return List.of(new Request.Rolling(scored((Passage) doc.item())));
    }

    @Override
    public Sample score(Doc doc, List<Response> responses, Map<String, Judge.Verdict> verdicts, List<Judge> judges) {
        String page = ((Passage) doc.item()).text();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("logprob", responses.get(0).logprob());
        fields.put("tokens", responses.get(0).tokens());
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loglikelihood", responses.get(0).logprob());
        values.put("words", (double) words(page));
        values.put("bytes", (double) page.getBytes(StandardCharsets.UTF_8).length);
        return new Sample(name(), doc.id(), doc.item().id(), fields, values, Map.of());
    }

    @Override
    public Map<String, Estimate> metrics(List<Sample> samples, long seed) {
        double[] ll = samples.stream().mapToDouble(s -> s.values().get("loglikelihood")).toArray();
        double[] words = samples.stream().mapToDouble(s -> s.values().get("words")).toArray();
        double[] bytes = samples.stream().mapToDouble(s -> s.values().get("bytes")).toArray();
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put("word_perplexity", ratio(ll, words, Math::exp, seed));
        out.put("byte_perplexity", ratio(ll, bytes, Math::exp, seed));
        out.put("bits_per_byte", ratio(ll, bytes, x -> x / Math.log(2), seed));
        return out;
    }

    /** f(−Σll / Σcount) over the articles, with a percentile interval over resampled articles. */
    static Estimate ratio(double[] ll, double[] count, DoubleUnaryOperator f, long seed) {
        int n = ll.length;
        double value = f.applyAsDouble(-sum(ll) / sum(count));
        if (n < 2) {
            return Estimate.exact(value, n);
        }
        RandomGenerator rnd = new Well19937c(seed);
        double[] stats = new double[io.github.mubench.eval.stats.Intervals.RESAMPLES];
        for (int r = 0; r < stats.length; r++) {
            double l = 0, c = 0;
            for (int i = 0; i < n; i++) {
                int j = rnd.nextInt(n);
                l += ll[j];
                c += count[j];
            }
            stats[r] = f.applyAsDouble(-l / c);
        }
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        return new io.github.mubench.eval.stats.Estimate(value, p.evaluate(stats, 2.5), p.evaluate(stats, 97.5), n, "bootstrap");
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
