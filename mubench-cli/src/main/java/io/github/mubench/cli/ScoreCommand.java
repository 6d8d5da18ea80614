package io.github.mubench.cli;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.score.LogLikelihood;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mubench score}: log-probabilities of a text, or of a continuation given a context. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Per-token log-probabilities of --text, or log P(--continuation | --context).")
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--text", description = "score every token of this text (rolling windows past the context)")
    String text;

    @Option(names = "--text-ids", paramLabel = "IDS", description = "--text as comma-separated token ids")
    String textIds;

    @Option(names = "--context", description = "context text (BOS is added)")
    String context;

    @Option(names = "--context-ids", paramLabel = "IDS")
    String contextIds;

    @Option(names = "--continuation", description = "continuation text, scored given the context")
    String continuation;

    @Option(names = "--continuation-ids", paramLabel = "IDS")
    String continuationIds;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        LoadedModel m = model.load();
        Tokenizer tok = m.tokenizer();
        LogLikelihood scorer = new LogLikelihood(m.inference(), 8);
        Map<String, Object> out = new LinkedHashMap<>();
        int[] whole = TokenInput.ids(text, textIds, tok, false, "text");
        if (whole != null) {
            int prefix = m.checkpoint().config().bosTokenId();
            LogLikelihood.Result r = scorer.rolling(whole, prefix >= 0 ? prefix : m.checkpoint().config().eosTokenIds().get(0));
            out.put("tokens", whole);
            out.put("token_logprobs", r.tokenLogprobs());
            out.put("logprob", r.logprob());
        } else {
            LogLikelihood.Request req;
            if (contextIds != null || continuationIds != null) {
                req = new LogLikelihood.Request(TokenInput.ids(null, contextIds, tok, true, "context"),
                        TokenInput.ids(null, continuationIds, tok, false, "continuation"));
            } else if (context != null && continuation != null) {
                TokenInput.ids(context, null, tok, true, "context"); // fails clearly without a tokenizer
                req = LogLikelihood.Request.encode(tok, context, continuation);
            } else {
                throw new IllegalArgumentException("give --text, or --context with --continuation (or their -ids forms)");
            }
            int[] ctx = req.context(), cont = req.continuation();
            LogLikelihood.Result r = scorer.score(List.of(req)).get(0);
            out.put("context_tokens", ctx);
            out.put("continuation_tokens", cont);
            out.put("token_logprobs", r.tokenLogprobs());
            out.put("logprob", r.logprob());
            out.put("is_greedy", r.isGreedy());
        }
        if (json) {
            System.out.println(Json.write(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + (v instanceof int[] a ? java.util.Arrays.toString(a)
                    : v instanceof double[] d ? java.util.Arrays.toString(d) : v)));
        }
        return 0;
    }
}
