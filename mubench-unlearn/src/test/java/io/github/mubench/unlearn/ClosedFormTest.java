package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every method's first logged loss, at θ = θ_ref where it has a closed form, through the real trainer
 * ({@code metrics(0)} is the loss before the first update). The batch holds the whole forget and retain sets, and the
 * independent values (NLLs, mean log-probs) come from the inference path's {@link LogLikelihood}, not the graph.
 * Reference-based terms at θ = θ_ref: NPO and DPO {@code (2/β)·ln 2}, Safe Unlearning's preference term {@code ln 2},
 * every {@code KL(π_ref‖π_θ)} and RMU's retain match 0.
 */
class ClosedFormTest {
    private static final LoadedModel MODEL = StoriesExamples.MODEL;
    private static final List<UnlearnExample> FORGET = StoriesExamples.FORGET, RETAIN = StoriesExamples.RETAIN;
    private static final String REFUSAL = "I will not say.";
    private static final double LN2 = Math.log(2);

    /** The first step's metrics of {@code method} with {@code params}; batches hold both forget and both retain examples. */
    private static StepMetrics first(String method, Map<String, String> params) {
        return first(method, params, 256);
    }

    private static StepMetrics first(String method, Map<String, String> params, int maxLength) {
        return Unlearning.of(MODEL).method(Methods.create(method, params)).forget(FORGET).retain(RETAIN)
                .refusals(Refusals.fixed(REFUSAL)).optimizer(new Sgd(1e-3)).steps(1).batchSize(2, 2).maxLength(maxLength).seed(0)
                .run().metrics().get(0);
    }

    /** Token-mean NLL over the examples' completions, by the inference path. */
    private static double nll(List<UnlearnExample> examples) {
        double sum = 0;
        int tokens = 0;
        for (UnlearnExample e : examples) {
            TokenizedExample t = TokenizedExample.of(MODEL, e);
            sum -= score(t);
            tokens += t.responseIds().length;
        }
        return sum / tokens;
    }

    private static double score(TokenizedExample t) {
        return new LogLikelihood(MODEL.inference(), 1).score(List.of(new LogLikelihood.Request(t.promptIds(), t.responseIds())))
                .get(0).logprob();
    }

    private static void near(double expected, double actual, String what) {
        assertEquals(expected, actual, 2e-4 * Math.max(1, Math.abs(expected)), what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.01", "0.1", "1"})
    void npoIsTwoOverBetaLn2(String beta) {
        double b = Double.parseDouble(beta);
        StepMetrics m = first("npo", Map.of("beta", beta));
        near(2 / b * LN2, m.loss(), "npo loss, β = " + beta);
        near(2 / b * LN2, m.terms().get("npo"), "logged npo term");
    }

    /** Examples longer than the rows: the reference scores the cut examples the rows hold, so the margin is still 0. */
    @Test
    void npoAndDpoStayAtTheirClosedFormWhenExamplesAreCut() {
        near(20 * LN2, first("npo", Map.of(), 8).loss(), "npo, rows of 8 tokens");
        near(20 * LN2, first("dpo", Map.of(), 8).loss(), "dpo, rows of 8 tokens");
        near(LN2, first("safe_unlearning", Map.of(), 8).terms().get("harmful"), "safe unlearning's preference term");
    }

    @Test
    void npoRtAddsTheRetainNllAndNpoKlAddsNothing() {
        StepMetrics rt = first("npo_rt", Map.of("retain_nll", "2"));
        near(20 * LN2 + 2 * nll(RETAIN), rt.loss(), "npo_rt");
        near(nll(RETAIN), rt.retainNll(), "retain NLL");
        StepMetrics kl = first("npo_kl", Map.of());
        near(20 * LN2, kl.loss(), "npo_kl");
        assertEquals(0, kl.terms().get("retain_kl"), 1e-5, "KL(π_ref‖π_θ) at θ = θ_ref");
    }

    @Test
    void dpoIsTwoOverBetaLn2() {
        near(2 / 0.5 * LN2, first("dpo", Map.of("beta", "0.5")).loss(), "dpo");
    }

    @Test
    void simNpoFollowsFromTheMeanLogProbs() {
        double beta = 2.5, delta = 0.5, alpha = 1, sum = 0;
        for (UnlearnExample e : FORGET) {
            TokenizedExample t = TokenizedExample.of(MODEL, e);
            double meanLogprob = score(t) / t.responseIds().length;
            sum += Math.log(1 / (1 + Math.exp(beta * meanLogprob + delta))); // log σ(−β·S̄ − δ)
        }
        double expected = -2 / beta * sum / FORGET.size() + alpha * nll(RETAIN);
        near(expected, first("simnpo", Map.of("delta", "0.5")).loss(), "simnpo");
    }

    @Test
    void safeUnlearningsPreferenceTermIsLn2() {
        StepMetrics m = first("safe_unlearning", Map.of());
        near(LN2, m.terms().get("harmful"), "harmful term");
        double refusalNll = nll(FORGET.stream().map(e -> new UnlearnExample(e.prompt(), REFUSAL)).toList());
        near(refusalNll, m.terms().get("refusal_nll"), "refusal NLL");
        near(nll(RETAIN) + 0.5 * refusalNll + 0.3 * LN2, m.loss(), "safe_unlearning");
    }

    @Test
    void klTermsVanishAndLeaveTheirMethodsOtherTerms() {
        double forgetNll = nll(FORGET);
        StepMetrics gaKl = first("ga_kl", Map.of());
        near(-forgetNll, gaKl.loss(), "ga_kl = −NLL(D_f)");
        StepMetrics eraser = first("eraser", Map.of("threshold", "10"));
        near(10 - forgetNll, eraser.loss(), "eraser = γ − NLL(D_f)");
        assertEquals(0, eraser.terms().get("refusal_kl"), 1e-5);
        StepMetrics llmu = first("llmu", Map.of("k", "1"));
        StepMetrics sku = first("sku", Map.of("k", "1"));
        for (StepMetrics m : List.of(gaKl, eraser, llmu, sku)) {
            assertEquals(0, m.terms().get("retain_kl"), 1e-5, "retain KL at θ = θ_ref");
        }
        StepMetrics rmu = first("rmu", Map.of("layer", "1"));
        assertEquals(0, rmu.terms().get("retain_match"), 1e-6, "RMU's retain match at θ = θ_ref");
    }
}
