package io.github.mubench.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.store.Keys;
import io.github.mubench.eval.store.ResultStore;
import io.github.mubench.eval.task.Prompt;
import io.github.mubench.eval.task.Request;
import io.github.mubench.eval.task.Response;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.score.LogLikelihood;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs requests on a model through the results store. Requests are encoded first (the key holds the exact token
 * ids, so formatting, tokenizer and chat template are all in it); requests of one kind and settings are cut into
 * batches in their given order, and a batch is computed only when one of its requests has no stored answer, then
 * stored in one transaction. Batches are therefore the same on every run of the same work, and a run resumed after
 * a kill gives bit for bit what an uninterrupted one gives.
 */
public final class RequestRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoadedModel model;
    private final String fingerprint;
    private final ResultStore store;
    private final int batchSize;
    private final LanguageModel inference;
    private int computed;

    /**
     * @param fingerprint the model's {@link io.github.mubench.eval.store.ModelFingerprint}
     * @param batchSize   requests per batch
     */
    public RequestRunner(LoadedModel model, String fingerprint, ResultStore store, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.fingerprint = fingerprint;
        this.store = store;
        this.batchSize = batchSize;
        this.inference = model.inference();
    }

    /** A request with its token ids and key. */
    private record Encoded(int index, Request request, String batchClass, int[] context, int[] continuation, boolean truncated,
                           String key) {
    }

    /** The answers to {@code requests}, in order; {@code stage} names them in progress reports. */
    public List<Response> run(List<Request> requests, String stage, Progress progress) {
        List<Encoded> encoded = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            encoded.add(encode(i, requests.get(i)));
        }
        Map<String, String> stored = store.get(encoded.stream().map(Encoded::key).toList());
        Map<String, List<Encoded>> classes = new LinkedHashMap<>();
        encoded.forEach(e -> classes.computeIfAbsent(e.batchClass(), k -> new ArrayList<>()).add(e));
        Response[] out = new Response[requests.size()];
        int done = 0;
        for (List<Encoded> members : classes.values()) {
            for (int from = 0; from < members.size(); from += batchSize) {
                List<Encoded> batch = members.subList(from, Math.min(members.size(), from + batchSize));
                if (batch.stream().anyMatch(e -> !stored.containsKey(e.key()))) {
                    List<Response> answers = compute(batch);
                    computed += batch.size();
                    Map<String, String> values = new LinkedHashMap<>();
                    for (int j = 0; j < batch.size(); j++) {
                        values.put(batch.get(j).key(), json(answers.get(j)));
                    }
                    store.put(kind(batch.get(0).request()), values);
                    System.gc(); // ND4J frees a batch's native buffers only when their Java wrappers are collected
                    stored.putAll(store.get(values.keySet())); // what is stored wins: an answer computed before stays
                }
                for (Encoded e : batch) {
                    out[e.index()] = read(stored.get(e.key()));
                }
                done += batch.size();
                progress.update(stage, done, requests.size());
            }
        }
        return Arrays.asList(out);
    }

    /** Requests answered by the model so far (the others came from the store). */
    public int computed() {
        return computed;
    }

    private Encoded encode(int index, Request request) {
        var tokenizer = model.tokenizer();
        int context = model.checkpoint().config().maxPositionEmbeddings();
        if (request instanceof Request.Generate g) {
            int[] ids = g.prompt().encode(model);
            int room = Math.max(1, context - g.maxNewTokens());
            boolean cut = ids.length > room;
            int[] kept = cut ? Arrays.copyOfRange(ids, ids.length - room, ids.length) : ids;
            return new Encoded(index, request, "generate " + g.until() + " " + g.maxNewTokens(), kept, new int[0], cut,
                    Keys.of("generate", fingerprint, kept, g.until(), g.maxNewTokens()));
        }
        if (request instanceof Request.Loglikelihood l) {
            Prompt p = l.context();
            var r = LogLikelihood.Request.encode(tokenizer, p.render(model), l.continuation(), !p.rendersSpecialTokens(model));
            boolean cut = r.context().length + r.continuation().length - 1 > context; // LogLikelihood keeps the end
            return new Encoded(index, request, "loglikelihood", r.context(), r.continuation(), cut,
                    Keys.of("loglikelihood", fingerprint, r.context(), r.continuation()));
        }
        Request.Rolling r = (Request.Rolling) request;
        int[] ids = tokenizer.encode(r.text(), false);
        return new Encoded(index, request, "rolling " + index, new int[0], ids, false, Keys.of("rolling", fingerprint, ids));
    }

    private List<Response> compute(List<Encoded> batch) {
        long start = System.nanoTime();
        List<Response> out = new ArrayList<>();
        Request first = batch.get(0).request();
        if (first instanceof Request.Generate g) {
            GenerationConfig config = GenerationConfig.greedy(g.maxNewTokens()).withStopStrings(g.until());
            List<Generation> gens = new Generator(inference, model.tokenizer())
                    .generateIds(batch.stream().map(Encoded::context).toList(), config);
            double seconds = seconds(start) / batch.size();
            for (int i = 0; i < batch.size(); i++) {
                out.add(new Response(gens.get(i).text(), Double.NaN, false, gens.get(i).tokens().length, batch.get(i).truncated(), seconds));
            }
        } else if (first instanceof Request.Loglikelihood) {
            var results = new LogLikelihood(inference, batch.size()).score(batch.stream()
                    .map(e -> new LogLikelihood.Request(e.context(), e.continuation())).toList());
            double seconds = seconds(start) / batch.size();
            for (int i = 0; i < batch.size(); i++) {
                out.add(new Response(null, results.get(i).logprob(), results.get(i).isGreedy(), batch.get(i).continuation().length,
                        batch.get(i).truncated(), seconds));
            }
        } else {
            for (Encoded e : batch) {
                long t = System.nanoTime();
                int bos = model.tokenizer().bosId();
                int prefix = bos >= 0 ? bos : model.checkpoint().config().eosTokenIds().get(0);
                var r = new LogLikelihood(inference, batchSize).rolling(e.continuation(), prefix);
                out.add(new Response(null, r.logprob(), r.isGreedy(), e.continuation().length, false, seconds(t)));
            }
        }
        return out;
    }

    private static String kind(Request r) {
        return r instanceof Request.Generate ? "generate" : r instanceof Request.Loglikelihood ? "loglikelihood" : "rolling";
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String json(Response r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response read(String json) {
        try {
            return JSON.readValue(json, Response.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored answer is not readable: " + e.getMessage(), e);
        }
    }
}
