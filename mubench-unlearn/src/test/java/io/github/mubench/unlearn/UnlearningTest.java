package io.github.mubench.unlearn;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.checkpoint.HfCheckpoint;
import io.github.mubench.tensor.model.Llama;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.TokenizedExample;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.methods.GradDiff;
import io.github.mubench.unlearn.methods.GradientAscent;
import io.github.mubench.unlearn.methods.Eraser;
import io.github.mubench.unlearn.methods.Llmu;
import io.github.mubench.unlearn.methods.Npo;
import io.github.mubench.unlearn.methods.SafeUnlearning;
import io.github.mubench.unlearn.methods.Sku;
import io.github.mubench.unlearn.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on the bundled stories260K: behaviour, determinism, and errors before any step. */
class UnlearningTest {
    private static final LoadedModel MODEL = StoriesExamples.MODEL;
    private static final List<UnlearnExample> FORGET = StoriesExamples.FORGET, RETAIN = StoriesExamples.RETAIN;

    @TempDir
    Path dir;

    /** Mean per-token NLL of the responses under {@code model}. */
    private static double nll(Checkpoint model, List<UnlearnExample> examples) {
        var ll = new LogLikelihood(new Llama(model), 4);
        double sum = 0;
        int n = 0;
        for (UnlearnExample e : examples) {
            TokenizedExample t = TokenizedExample.of(MODEL, e);
            sum -= ll.score(List.of(new LogLikelihood.Request(t.promptIds(), t.responseIds()))).get(0).logprob();
            n += t.responseIds().length;
        }
        return sum / n;
    }

    @Test
    void gradientAscentRaisesForgetNllAndWritesAnHfFolderAndMetrics() throws Exception {
        double before = nll(MODEL.checkpoint(), FORGET);
        UnlearningRun run = Unlearning.of(MODEL).method(new GradientAscent()).forget(FORGET)
                .optimizer(AdamW.lr(2e-3)).steps(6).batchSize(2, 0).seed(1).outputDir(dir).run();
        double after = nll(run.model().checkpoint(), FORGET);
        assertTrue(after > before + 0.5, "forget NLL " + before + " -> " + after);
        assertEquals(6, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        assertTrue(run.metrics().get(5).forgetNll() > run.metrics().get(0).forgetNll());
        assertEquals(after, nll(HfCheckpoint.load(dir), FORGET), 1e-5, "the saved folder is the unlearned model");
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertEquals("ga", manifest.get("method").asText());
        assertEquals(1, manifest.get("seed").asLong());
        assertEquals(64, manifest.get("forget_sha256").asText().length());
        assertTrue(manifest.get("optimizer").asText().startsWith("AdamW(lr=0.002"), manifest.get("optimizer").asText());
    }

    @Test
    void gradDiffForgetsMoreThanItLosesOnRetain() {
        double forgetBefore = nll(MODEL.checkpoint(), FORGET), retainBefore = nll(MODEL.checkpoint(), RETAIN);
        UnlearningRun run = Unlearning.of(MODEL).method(GradDiff.defaults()).forget(FORGET).retain(RETAIN)
                .optimizer(AdamW.lr(2e-3)).steps(6).batchSize(2, 2).seed(1).run();
        double forgetRise = nll(run.model().checkpoint(), FORGET) - forgetBefore, retainRise = nll(run.model().checkpoint(), RETAIN) - retainBefore;
        assertTrue(forgetRise > 0.3 && forgetRise > retainRise, "forget +" + forgetRise + ", retain +" + retainRise);
    }

    @Test
    void npoWithKlToTheReferenceOnRetainRuns() {
        double forgetBefore = nll(MODEL.checkpoint(), FORGET);
        UnlearningRun run = Unlearning.of(MODEL).method(Npo.beta(0.1).withRetainKl(1.0)).forget(FORGET).retain(RETAIN)
                .optimizer(AdamW.lr(2e-3)).steps(4).batchSize(2, 2).seed(3).run();
        assertTrue(run.metrics().stream().allMatch(m -> Double.isFinite(m.loss()) && Double.isFinite(m.retainNll())));
        assertTrue(nll(run.model().checkpoint(), FORGET) > forgetBefore, "NPO raises forget NLL");
    }

    @Test
    void rmuTrainsOnlyItsDownProjectionsAndSteersTheLayerTowardCu() {
        var rmu = (io.github.mubench.unlearn.methods.Rmu) io.github.mubench.unlearn.methods.Methods.create("rmu",
                java.util.Map.of("layer", "2", "c", "6.5", "alpha", "10"));
        double before = distanceToTarget(MODEL.checkpoint(), rmu);
        var run = Unlearning.of(MODEL).method(rmu).forget(FORGET).retain(RETAIN).optimizer(AdamW.lr(5e-3)).steps(6)
                .batchSize(2, 2).seed(0).run();
        for (var e : MODEL.checkpoint().weights().asMap().entrySet()) {
            boolean changed = !e.getValue().equals(run.model().checkpoint().weights().asMap().get(e.getKey()));
            assertEquals(e.getKey().matches("model\\.layers\\.[012]\\.mlp\\.down_proj\\.weight"), changed, e.getKey());
        }
        assertTrue(distanceToTarget(run.model().checkpoint(), rmu) < before, "layer-2 activations move toward c·u");
    }

    /** Mean squared distance of the forget example's layer-ℓ residual stream to c·u. */
    private static double distanceToTarget(Checkpoint model, io.github.mubench.unlearn.methods.Rmu rmu) {
        TokenizedExample t = TokenizedExample.of(MODEL, FORGET.get(0));
        int[] ids = t.ids();
        int len = ids.length - 1;
        var graph = new io.github.mubench.tensor.graph.LlamaGraph(model.config(), model.weights(), 1, len, n -> false);
        int[][] tokens = {java.util.Arrays.copyOf(ids, len)};
        boolean[][] valid = {new boolean[len]};
        java.util.Arrays.fill(valid[0], true);
        int[][] labels = {new int[len]};
        String name = graph.hidden(rmu.layerFor(model.config())).name();
        var h = graph.output(graph.feed(tokens, valid, labels), name).get(name);
        var target = org.nd4j.linalg.factory.Nd4j.createFromArray(rmu.controlVector(model.config().hiddenSize())).mul(rmu.c());
        return h.subRowVector(target).norm2Number().doubleValue();
    }

    /**
     * LLMU with accumulation: random-mismatch draws and micro-batches must be replayed too; with LoRA dropout the
     * masks as well.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void anInterruptedThenResumedRunEndsBitIdenticalToAnUninterruptedOne(boolean loraDropout) throws Exception {
        java.util.function.Function<Path, Unlearning> config = out -> Unlearning.of(MODEL).method(new Llmu(0.5, 1, 1, 2))
                .forget(FORGET).retain(RETAIN).optimizer(AdamW.lr(2e-3)).steps(5).batchSize(1, 1).gradientAccumulation(2)
                .lora(loraDropout ? new io.github.mubench.tensor.graph.LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0, 0.3) : null)
                .seed(5).outputDir(out).checkpointEvery(2);
        UnlearningRun straight = config.apply(dir.resolve("a")).run();

        Path b = dir.resolve("b");
        assertThrows(IllegalStateException.class, () -> config.apply(b).onStep(m -> {
            if (m.step() == 3) {
                throw new IllegalStateException("simulated crash after step 3 (the snapshot holds steps 1-2)");
            }
        }).run());
        List<Integer> redone = new java.util.ArrayList<>();
        UnlearningRun resumed = config.apply(b).resume(true).onStep(m -> redone.add(m.step())).run();
        assertEquals(List.of(3, 4, 5), redone, "steps 3, 4, 5 redone");
        assertEquals(List.of(1, 2, 3, 4, 5), resumed.metrics().stream().map(StepMetrics::step).toList(), "all steps reported");
        for (String name : straight.model().checkpoint().weights().asMap().keySet()) {
            INDArray x = straight.model().checkpoint().weights().asMap().get(name), y = resumed.model().checkpoint().weights().asMap().get(name);
            assertTrue(java.util.Arrays.equals(x.data().asFloat(), y.data().asFloat()), name + " differs");
        }
        assertEquals(Files.readAllLines(dir.resolve("a/metrics.jsonl")).size(), Files.readAllLines(b.resolve("metrics.jsonl")).size());
    }

    @Test
    void taskVectorNegationIsExactlyTheStartMinusLambdaTimesTheFineTuningDelta() {
        var fineTuned = Unlearning.of(MODEL).method(new io.github.mubench.unlearn.methods.TaskVectorNegation(0))
                .forget(FORGET).optimizer(AdamW.lr(2e-3)).steps(3).seed(2).run();
        var negated = Unlearning.of(MODEL).method(new io.github.mubench.unlearn.methods.TaskVectorNegation(1.5))
                .forget(FORGET).optimizer(AdamW.lr(2e-3)).steps(3).seed(2).run();
        // λ = 0 keeps θ0; the same fine-tuning without the arithmetic gives θ_ft:
        var plain = Unlearning.of(MODEL).method(new io.github.mubench.unlearn.methods.FineTune())
                .forget(FORGET).optimizer(AdamW.lr(2e-3)).steps(3).seed(2).run();
        for (var e : MODEL.checkpoint().weights().asMap().entrySet()) {
            INDArray theta0 = e.getValue(), ft = plain.model().checkpoint().weights().asMap().get(e.getKey());
            INDArray expected = theta0.sub(ft.sub(theta0).mul(1.5));
            assertTrue(java.util.Arrays.equals(expected.dup().data().asFloat(),
                    negated.model().checkpoint().weights().asMap().get(e.getKey()).dup().data().asFloat()), e.getKey());
            assertTrue(java.util.Arrays.equals(theta0.dup().data().asFloat(),
                    fineTuned.model().checkpoint().weights().asMap().get(e.getKey()).dup().data().asFloat()), "λ = 0 gives θ0");
        }
        assertTrue(nll(plain.model().checkpoint(), FORGET) < nll(MODEL.checkpoint(), FORGET), "fine-tuning lowers forget NLL");
        assertTrue(nll(negated.model().checkpoint(), FORGET) > nll(MODEL.checkpoint(), FORGET), "negation raises it");
    }

    @Test
    void loraTrainsAdaptersAndMergesThemIntoTheTargetedProjectionsOnly() {
        double before = nll(MODEL.checkpoint(), FORGET);
        var run = Unlearning.of(MODEL).method(new GradientAscent()).forget(FORGET).optimizer(AdamW.lr(5e-3)).steps(6)
                .lora(new io.github.mubench.tensor.graph.LoraConfig(4, 8, List.of("q_proj", "v_proj"), 0)).seed(0).run();
        assertEquals(MODEL.checkpoint().weights().asMap().keySet(), run.model().checkpoint().weights().asMap().keySet());
        for (var e : MODEL.checkpoint().weights().asMap().entrySet()) {
            boolean changed = !e.getValue().equals(run.model().checkpoint().weights().asMap().get(e.getKey()));
            assertEquals(e.getKey().matches(".*(q_proj|v_proj)\\.weight"), changed, e.getKey());
        }
        assertTrue(nll(run.model().checkpoint(), FORGET) > before, "the merged model forgot");
    }

    @Test
    void dpoMovesPreferenceTowardTheChosenRefusal() {
        var pairs = List.of(
                new UnlearnExample("What did Tom do?", "Tom took the cookies and hid them under his bed.", "I do not want to say."),
                new UnlearnExample("And then?", "He broke the window with a rock and ran away.", "I do not want to say."));
        java.util.function.ToDoubleFunction<Checkpoint> margin = m -> {
            double chosen = 0, rejected = 0;
            for (var p : pairs) {
                chosen -= nll(m, List.of(new UnlearnExample(p.prompt(), p.refusal())));
                rejected -= nll(m, List.of(new UnlearnExample(p.prompt(), p.response())));
            }
            return chosen - rejected;
        };
        double before = margin.applyAsDouble(MODEL.checkpoint());
        var run = Unlearning.of(MODEL).method(io.github.mubench.unlearn.methods.Dpo.defaults()).forget(pairs)
                .optimizer(AdamW.lr(2e-3)).steps(6).batchSize(2, 0).seed(0).run();
        assertTrue(margin.applyAsDouble(run.model().checkpoint()) > before + 0.5, "chosen-vs-rejected margin " + before + " -> "
                + margin.applyAsDouble(run.model().checkpoint()));
        var e = assertThrows(IllegalArgumentException.class, () -> Unlearning.of(MODEL)
                .method(io.github.mubench.unlearn.methods.Dpo.defaults()).forget(FORGET).refusals(Refusals.fromDataOnly()).run());
        assertTrue(e.getMessage().contains("has no \"refusal\""), e.getMessage());
    }

    @Test
    void refusalsMissingFromTheDataAreTheOriginalModelsGreedyRepliesAndAreWrittenDown() throws Exception {
        var withOne = List.of(FORGET.get(0).withRefusal("No."), FORGET.get(1));
        var run = Unlearning.of(MODEL).method(SafeUnlearning.defaults()).forget(withOne).retain(RETAIN)
                .refusals(Refusals.generated(12)).optimizer(AdamW.lr(1e-3)).steps(2).seed(0).outputDir(dir).run();
        var rows = Files.readAllLines(dir.resolve("refusals.jsonl")).stream().map(l -> {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(l);
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        }).toList();
        assertEquals("No.", rows.get(0).get("refusal").asText());
        assertEquals("data", rows.get(0).get("source").asText());
        // the second is what the bundled model itself continues the prompt with (greedy, 12 tokens)
        var generator = new io.github.mubench.tensor.generate.Generator(MODEL.inference(), MODEL.tokenizer());
        String expected = generator.generateIds(List.of(TokenizedExample.of(MODEL, FORGET.get(1)).promptIds()),
                io.github.mubench.tensor.generate.GenerationConfig.greedy(12), (r, id, d) -> {
                }).get(0).text().strip();
        assertEquals(expected, rows.get(1).get("refusal").asText());
        assertTrue(rows.get(1).get("source").asText().startsWith("generated"));
        assertEquals(2, run.metrics().size());
        assertTrue(run.metrics().get(0).terms().keySet().containsAll(java.util.Set.of("refusal_nll", "harmful")),
                run.metrics().get(0).terms().toString());
    }

    @Test
    void skuStageTwoIsExactlyTheStartMinusLambdaTimesTheHarmfulDelta() {
        Sku sku = new Sku(0.5, 1, 1, 2, 1.5);
        UnlearningMethod stageOne = new UnlearningMethod() { // the same training, without the weight arithmetic
            public String name() {
                return "sku_stage1";
            }

            public org.nd4j.autodiff.samediff.SDVariable loss(LossTerms t) {
                return sku.loss(t);
            }

            public java.util.Set<RowGroup> rowGroups() {
                return sku.rowGroups();
            }

            public int mismatchesPerForgetRow() {
                return sku.mismatchesPerForgetRow();
            }

            public java.util.Map<String, Object> parameters() {
                return sku.parameters();
            }
        };
        java.util.function.Function<UnlearningMethod, UnlearningRun> train = m -> Unlearning.of(MODEL).method(m)
                .forget(FORGET).retain(RETAIN).optimizer(AdamW.lr(2e-3)).steps(3).batchSize(2, 1).seed(4).run();
        UnlearningRun harmful = train.apply(stageOne), unlearned = train.apply(sku);
        for (var e : MODEL.checkpoint().weights().asMap().entrySet()) {
            INDArray theta0 = e.getValue(), thetaH = harmful.model().checkpoint().weights().asMap().get(e.getKey());
            INDArray expected = theta0.sub(thetaH.sub(theta0).mul(1.5));
            assertTrue(java.util.Arrays.equals(expected.dup().data().asFloat(),
                    unlearned.model().checkpoint().weights().asMap().get(e.getKey()).dup().data().asFloat()), e.getKey());
        }
        assertTrue(nll(harmful.model().checkpoint(), FORGET) < nll(MODEL.checkpoint(), FORGET), "stage 1 learns the harmful responses");
        assertTrue(nll(unlearned.model().checkpoint(), FORGET) > nll(MODEL.checkpoint(), FORGET), "stage 2 moves away from them");
    }

    @Test
    void eraserLlmuAndSafeUnlearningRaiseForgetNll() {
        double before = nll(MODEL.checkpoint(), FORGET);
        for (UnlearningMethod m : List.of(Eraser.defaults(), new Llmu(0.5, 1, 1, 2), SafeUnlearning.defaults())) {
            var run = Unlearning.of(MODEL).method(m).forget(FORGET).retain(RETAIN).refusals(Refusals.fixed("I will not."))
                    .optimizer(AdamW.lr(3e-3)).steps(5).batchSize(2, 2).seed(0).run();
            assertTrue(run.metrics().stream().allMatch(x -> Double.isFinite(x.loss()) && !x.terms().isEmpty()), m.name());
            assertTrue(nll(run.model().checkpoint(), FORGET) > before, m.name() + ": forget NLL " + before + " -> " + nll(run.model().checkpoint(), FORGET));
        }
    }

    @Test
    void gradientAccumulationOfTwoSingleRowBatchesEqualsOneTwoRowBatch() {
        // equal response lengths, so the token mean over two rows is the mean of the two rows' means
        var same = List.of(new UnlearnExample("Tell me a story.", "Lily went to the park."),
                new UnlearnExample("Go on.", "Lily went to the park."));
        assertEquals(TokenizedExample.of(MODEL, same.get(0)).responseIds().length, TokenizedExample.of(MODEL, same.get(1)).responseIds().length);
        var twoRows = Unlearning.of(MODEL).method(new GradientAscent()).forget(same).optimizer(new io.github.mubench.unlearn.optim.Sgd(0.05))
                .steps(3).batchSize(2, 0).seed(0).run();
        var accumulated = Unlearning.of(MODEL).method(new GradientAscent()).forget(same).optimizer(new io.github.mubench.unlearn.optim.Sgd(0.05))
                .steps(3).batchSize(1, 0).gradientAccumulation(2).seed(0).run();
        for (var e : twoRows.model().checkpoint().weights().asMap().entrySet()) {
            double diff = e.getValue().sub(accumulated.model().checkpoint().weights().asMap().get(e.getKey())).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, e.getKey() + " differs by " + diff);
        }
        for (int i = 0; i < 3; i++) {
            double expected = twoRows.metrics().get(i).loss();
            assertEquals(expected, accumulated.metrics().get(i).loss(), 5e-6 * Math.abs(expected), "float32 sums in another order");
        }
    }

    @Test
    void epochsCountPassesOverTheForgetSet() {
        var run = Unlearning.of(MODEL).method(new GradientAscent()).forget(FORGET).epochs(3).batchSize(1, 0)
                .gradientAccumulation(2).run();
        assertEquals(3, run.metrics().size(), "3 epochs x 2 examples / (1 row x 2 micro-batches)");
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        var a = Unlearning.of(MODEL).method(Npo.defaults()).forget(FORGET).optimizer(AdamW.lr(1e-3)).steps(3).seed(7).run();
        var b = Unlearning.of(MODEL).method(Npo.defaults()).forget(FORGET).optimizer(AdamW.lr(1e-3)).steps(3).seed(7).run();
        for (String name : a.model().checkpoint().weights().asMap().keySet()) {
            assertEquals(a.model().checkpoint().weights().asMap().get(name), b.model().checkpoint().weights().asMap().get(name), name);
        }
        assertTrue(a.metrics().stream().allMatch(m -> Double.isFinite(m.loss())));
    }

    @Test
    void onlySelectedParametersChange() {
        String only = "model.layers.2.mlp.down_proj.weight";
        var run = Unlearning.of(MODEL).method(new GradientAscent()).forget(FORGET).optimizer(AdamW.lr(1e-3))
                .steps(2).trainable(only::equals).run();
        for (var e : MODEL.checkpoint().weights().asMap().entrySet()) {
            boolean changed = !e.getValue().equals(run.model().checkpoint().weights().asMap().get(e.getKey()));
            assertEquals(e.getKey().equals(only), changed, e.getKey());
        }
    }

    @Test
    void badConfigurationFailsBeforeTraining() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Unlearning.of(MODEL).method(GradDiff.defaults()).forget(FORGET).run());
        assertTrue(e.getMessage().contains("needs a retain set"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Unlearning.of(MODEL).method(new GradientAscent()).forget(FORGET).trainable(n -> n.contains("nothing")).run());
        assertTrue(e.getMessage().contains("matches no parameter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Unlearning.of(MODEL).method(new GradientAscent()).run());
    }
}
