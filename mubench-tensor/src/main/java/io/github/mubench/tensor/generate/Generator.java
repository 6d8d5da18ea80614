package io.github.mubench.tensor.generate;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.model.KvCache;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.score.Logits;
import io.github.mubench.tensor.tokenizer.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation: prompts are left-padded to one length, prefilled in one pass, then decoded one token per
 * step over a KV cache. Each row draws from its own random stream seeded with the config's seed, so a prompt gives
 * the same text alone or in any batch.
 */
public final class Generator {
    private final LanguageModel model;
    private final Tokenizer tokenizer;

    /**
     * @param tokenizer the model's tokenizer, or {@code null} to generate ids only (no text, no stop strings)
     */
    public Generator(LanguageModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** A generator over {@code model}'s weights and tokenizer. */
    public static Generator of(LoadedModel model) {
        return new Generator(model.inference(), model.tokenizer());
    }

    /** Encodes {@code prompt} (special tokens added) and continues it. */
    public Generation generate(String prompt, GenerationConfig config) {
        return generate(prompt, config, TokenListener.NONE);
    }

    /** Same as {@link #generate(String, GenerationConfig)}, reporting each new token to {@code listener}. */
    public Generation generate(String prompt, GenerationConfig config, TokenListener listener) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("this model has no tokenizer loaded: give token ids (generateIds)");
        }
        return generateIds(List.of(tokenizer.encode(prompt, true)), config, listener).get(0);
    }

    /** Continues each prompt of token ids. */
    public List<Generation> generateIds(List<int[]> prompts, GenerationConfig config) {
        return generateIds(prompts, config, TokenListener.NONE);
    }

    /** Same as {@link #generateIds(List, GenerationConfig)}, reporting each new token to {@code listener}. */
    public List<Generation> generateIds(List<int[]> prompts, GenerationConfig config, TokenListener listener) {
        return generateIds(prompts, Collections.nCopies(prompts.size(), config), listener);
    }

    /**
     * Continues each prompt with its own config (length, sampling, seed, stop strings, log-probabilities): how a
     * server batches unrelated requests. A row gives the same result here as alone.
     *
     * @param listener told of each token and each row's end ({@code null}: nobody)
     */
    public List<Generation> generateIds(List<int[]> prompts, List<GenerationConfig> configs, TokenListener listener) {
        if (listener == null) {
            listener = TokenListener.NONE;
        }
        if (configs.size() != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + configs.size() + " configs");
        }
        if (tokenizer == null && configs.stream().anyMatch(c -> !c.stopStrings().isEmpty())) {
            throw new IllegalArgumentException("stop strings need a tokenizer; this model has none loaded");
        }
        int batch = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (prompts.stream().anyMatch(p -> p.length == 0)) {
            throw new IllegalArgumentException("every prompt needs at least one token (a BOS token will do)");
        }
        int mostNew = configs.stream().mapToInt(GenerationConfig::maxNewTokens).max().orElse(0);
        int capacity = longest + Math.max(mostNew, 1);
        if (capacity > model.config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("prompt of " + longest + " tokens + " + mostNew
                    + " new tokens exceeds the model's context of " + model.config().maxPositionEmbeddings());
        }
        KvCache cache = model.newCache(batch, capacity);
        int[][] tokens = new int[batch][longest];
        boolean[][] valid = new boolean[batch][longest];
        for (int b = 0; b < batch; b++) {
            int[] p = prompts.get(b);
            int pad = longest - p.length;
            System.arraycopy(p, 0, tokens[b], pad, p.length);
            Arrays.fill(valid[b], pad, longest, true);
        }

        Row[] rows = new Row[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = new Row(prompts.get(b), configs.get(b));
        }
        boolean echo = configs.stream().anyMatch(GenerationConfig::echoLogprobs);
        // echo needs every position's logits, which the prefill computes anyway; generation needs the last only
        INDArray logits = model.forward(tokens, valid, cache, !echo);
        for (int b = 0; b < batch; b++) {
            Row r = rows[b];
            if (r.config.echoLogprobs()) {
                int pad = longest - r.prompt.length, k = Math.max(r.config.logprobs(), 0);
                for (int i = 1; i < r.prompt.length; i++) {
                    r.promptLogprobs.add(TokenLogprob.of(Logits.vector(logits, b, pad + i - 1), r.prompt[i], k));
                }
            }
            if (r.config.maxNewTokens() == 0) {
                finish(r, b, Generation.Finish.LENGTH, listener);
            }
        }
        for (int step = 0; step < mostNew; step++) {
            int[][] next = new int[batch][1];
            boolean[][] nextValid = new boolean[batch][1];
            for (int b = 0; b < batch; b++) {
                Row r = rows[b];
                if (r.finish == null && listener.cancelled(b)) {
                    finish(r, b, Generation.Finish.CANCELLED, listener);
                }
                if (r.finish == null) {
                    float[] row = step == 0 && echo ? Logits.vector(logits, b, longest - 1) : Logits.vector(logits, b);
                    int id = r.sampler.next(row, r.random);
                    if (r.config.logprobs() >= 0) {
                        r.logprobs.add(TokenLogprob.of(row, id, r.config.logprobs()));
                    }
                    accept(r, b, id, listener);
                    if (r.finish == null && r.ids.size() == r.config.maxNewTokens()) {
                        r.finish = Generation.Finish.LENGTH;
                    }
                    if (r.finish != null) {
                        finish(r, b, r.finish, listener);
                    }
                }
                next[b][0] = r.ids.isEmpty() ? r.prompt[r.prompt.length - 1] : r.last(); // ended rows feed filler
                nextValid[b][0] = true;
            }
            if (Arrays.stream(rows).allMatch(r -> r.result != null)) {
                break;
            }
            logits = model.forward(next, nextValid, cache, true);
        }
        return Arrays.stream(rows).map(r -> r.result).toList();
    }

    private void finish(Row r, int row, Generation.Finish why, TokenListener listener) {
        r.finish = why;
        int[] ids = r.ids.stream().mapToInt(Integer::intValue).toArray();
        // what was held back while it could still have been a stop string's start is streamed now
        if (r.text.length() > r.streamed.length() && r.text.startsWith(r.streamed)) {
            listener.onToken(row, r.ids.isEmpty() ? -1 : r.last(), r.text.substring(r.streamed.length()));
            r.streamed = r.text;
        }
        r.result = new Generation(r.prompt, ids, r.text, why, r.logprobs, r.promptLogprobs);
        listener.onFinish(row, r.result);
    }

    private void accept(Row r, int row, int id, TokenListener listener) {
        GenerationConfig config = r.config;
        r.ids.add(id);
        if (config.stopAtEos() && model.config().eosTokenIds().contains(id)) {
            r.finish = Generation.Finish.EOS;
            return;
        }
        if (tokenizer == null) {
            return;
        }
        String full = textAfterPrompt(r);
        for (String stop : config.stopStrings()) {
            int at = full.indexOf(stop);
            if (!stop.isEmpty() && at >= 0) {
                full = full.substring(0, at);
                r.finish = Generation.Finish.STOP_STRING;
            }
        }
        r.text = full;
        // Hold back a trailing replacement char (usually half of a multi-byte character) and a tail that may be the
        // start of a stop string, which a later token could complete and cut: streamed text is never taken back.
        String stable = full;
        if (r.finish == null) {
            stable = stable.endsWith("\uFFFD") ? stable.substring(0, stable.length() - 1) : stable;
            stable = stable.substring(0, stable.length() - stopPrefix(stable, config.stopStrings()));
        }
        if (stable.length() > r.streamed.length() && stable.startsWith(r.streamed)) {
            listener.onToken(row, id, stable.substring(r.streamed.length()));
            r.streamed = stable;
        }
    }

    /** The length of the longest end of {@code text} that begins one of {@code stops}. */
    private static int stopPrefix(String text, List<String> stops) {
        int longest = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > longest; n--) {
                if (text.endsWith(stop.substring(0, n))) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }

    /**
     * The generated text as it reads after the prompt: decoding the ids alone would drop a leading space that
     * SentencePiece tokenizers strip at the start of a text.
     */
    private String textAfterPrompt(Row r) {
        if (r.promptText == null) {
            r.promptText = tokenizer.decode(r.prompt, true); // the prompt never changes: decode it once
        }
        String prompt = r.promptText;
        int[] all = java.util.stream.IntStream.concat(Arrays.stream(r.prompt), r.ids.stream().mapToInt(Integer::intValue)).toArray();
        String whole = tokenizer.decode(all, true);
        return whole.startsWith(prompt) ? whole.substring(prompt.length())
                : tokenizer.decode(r.ids.stream().mapToInt(Integer::intValue).toArray(), true);
    }

    /** Per-row decoding state. */
    private static final class Row {
        final int[] prompt;
        final GenerationConfig config;
        final Sampler sampler;
        final SplittableRandom random;
        final List<Integer> ids = new ArrayList<>();
        final List<TokenLogprob> logprobs = new ArrayList<>();
        final List<TokenLogprob> promptLogprobs = new ArrayList<>();
        String text = "";
        String streamed = "";
        String promptText;
        Generation.Finish finish;
        Generation result;

        Row(int[] prompt, GenerationConfig config) {
            this.prompt = prompt;
            this.config = config;
            this.sampler = new Sampler(config);
            this.random = new SplittableRandom(config.seed());
        }

        int last() {
            return ids.get(ids.size() - 1);
        }
    }
}
