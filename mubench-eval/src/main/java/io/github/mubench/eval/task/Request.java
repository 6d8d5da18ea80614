package io.github.mubench.eval.task;

import java.util.List;

/** What a task asks of a model: lm-evaluation-harness's three request types. */
public sealed interface Request permits Request.Generate, Request.Loglikelihood, Request.Rolling {

    /**
     * Greedy generation until a stop string, EOS or {@code maxNewTokens} ({@code generate_until}).
     *
     * @param until stop strings (the text is cut before the first one)
     */
    record Generate(Prompt prompt, List<String> until, int maxNewTokens) implements Request {
        public Generate {
            until = List.copyOf(until);
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
            }
        }
    }

    /** The log-probability of {@code continuation} after {@code context}, and whether it is the greedy one. */
    record Loglikelihood(Prompt context, String continuation) implements Request {
    }

    /** The log-probability of a whole text, in windows of the model's context ({@code loglikelihood_rolling}). */
    record Rolling(String text) implements Request {
    }
}
