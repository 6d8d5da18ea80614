package io.github.mubench.examples;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.score.LogLikelihood;

import java.nio.file.Path;
import java.util.List;

/**
 * Load a model, generate from it, score a continuation: the three calls everything else builds on.
 * <p>
 * Run: {@code examples/run.sh QuickStartExample [MODEL_PATH]} (default: the bundled stories260K; or an HF folder,
 * a .gguf file, a llama2.c .bin with tokenizer.bin beside it).
 */
public final class QuickStartExample {
    private QuickStartExample() {
    }

    /** The greedy continuation of {@code prompt}, and the log-probability of {@code continuation} after it. */
    record Outcome(String text, double logprob, boolean greedy) {
    }

    static Outcome run(LoadedModel model, String prompt, String continuation) {
        Generation g = Generator.of(model).generate(prompt, GenerationConfig.greedy(32));
        LogLikelihood scorer = new LogLikelihood(model.inference(), 8);
        LogLikelihood.Result r = scorer.score(List.of(LogLikelihood.Request.encode(model.tokenizer(), prompt, continuation))).get(0);
        return new Outcome(g.text(), r.logprob(), r.isGreedy());
    }

    public static void main(String[] args) {
        LoadedModel model = args.length > 0 ? Models.load(Path.of(args[0])) : Models.stories260K();
        Outcome o = run(model, "Once upon a time", ", there was a little girl");
        System.out.println("greedy: Once upon a time" + o.text());
        System.out.printf("log P(\", there was a little girl\" | \"Once upon a time\") = %.4f (greedy: %s)%n", o.logprob(), o.greedy());
    }
}
