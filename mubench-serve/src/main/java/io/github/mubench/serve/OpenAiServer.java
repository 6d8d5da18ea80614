package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.Generation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible HTTP server over one loaded model: {@code GET /v1/models}, {@code POST /v1/completions}
 * (with lm-evaluation-harness's {@code echo} + {@code logprobs} scoring), {@code POST /v1/chat/completions} through
 * the model's chat template, both with server-sent-event streaming, and vLLM's {@code /tokenize},
 * {@code /detokenize} and {@code /tokenizer_info}. Concurrent requests are batched by a {@link Batcher}. Every refusal is a 4xx/5xx in OpenAI's
 * error shape.
 */
public final class OpenAiServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final LoadedModel model;
    private final ServeSettings settings;
    private final Batcher batcher;
    private final Javalin app;
    private final AtomicLong ids = new AtomicLong();
    private final long created = Instant.now().getEpochSecond();

    private OpenAiServer(LoadedModel model, ServeSettings settings, Consumer<String> log) {
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException("serving needs the model's tokenizer, and none was loaded with it");
        }
        this.model = model;
        this.settings = settings;
        this.batcher = new Batcher(model.inference(), model.tokenizer(), settings.maxBatch(), settings.maxQueued(), settings.batchWindow());
        Completions completions = new Completions(this);
        ChatCompletions chat = new ChatCompletions(this);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.requestLogger.http((ctx, ms) -> log.accept(ctx.method() + " " + ctx.path() + " " + ctx.status().getCode()
                    + " " + Math.round(ms) + " ms"));
        });
        app.before(this::authorize);
        app.get("/health", ctx -> {
            if (batcher.alive()) {
                ctx.result("ok");
            } else {
                json(ctx, 503, ApiException.body("the generator is not running", "server_error", null));
            }
        });
        app.get("/v1/models", ctx -> json(ctx, 200, Map.of("object", "list", "data", List.of(modelCard()))));
        app.post("/v1/completions", ctx -> completions.handle(ctx, body(ctx)));
        app.post("/v1/chat/completions", ctx -> chat.handle(ctx, body(ctx)));
        app.post("/tokenize", ctx -> json(ctx, 200, Tokenize.tokenize(this, body(ctx))));
        app.post("/detokenize", ctx -> json(ctx, 200, Tokenize.detokenize(this, body(ctx))));
        app.get("/tokenizer_info", ctx -> json(ctx, 200, Tokenize.info(this)));
        app.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 503) {
                ctx.header("Retry-After", "1");
            }
            json(ctx, e.status(), e.body());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> json(ctx, e.getStatus(),
                ApiException.body(e.getStatus() == 413 ? "the request body is larger than " + settings.maxBodyBytes() + " bytes"
                        : e.getMessage(), "invalid_request_error", null)));
        app.exception(Exception.class, (e, ctx) -> {
            log.accept("request failed: " + e);
            json(ctx, 500, ApiException.body("the server failed: " + e.getMessage(), "server_error", null));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                json(ctx, 404, ApiException.body("no route " + ctx.method() + " " + ctx.path(), "invalid_request_error", null));
            }
        });
        app.error(405, ctx -> json(ctx, 405, ApiException.body(ctx.method() + " is not allowed on " + ctx.path(), "invalid_request_error", null)));
    }

    /**
     * Starts serving {@code model}.
     *
     * @param log receives one line per request and per failure
     * @throws IllegalArgumentException when the address cannot be bound (a port in use, a host not on this machine)
     */
    public static OpenAiServer start(LoadedModel model, ServeSettings settings, Consumer<String> log) {
        OpenAiServer server = new OpenAiServer(model, settings, log);
        try {
            server.app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            server.batcher.close();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            // a port in use or an address not on this machine: the user's choice to change
            throw new IllegalArgumentException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + root.getMessage(), e);
        }
        return server;
    }

    /** The port it listens on (the chosen one when the settings said 0). */
    public int port() {
        return app.port();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8000/v1}. */
    public String baseUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port() + "/v1";
    }

    /** Batching counts so far. */
    public Batcher.Stats stats() {
        return batcher.stats();
    }

    /** Stops listening and stops the generator; queued requests fail. */
    @Override
    public void close() {
        app.stop();
        batcher.close();
    }

    LoadedModel model() {
        return model;
    }

    ServeSettings settings() {
        return settings;
    }

    int context() {
        return model.checkpoint().config().maxPositionEmbeddings();
    }

    String newId(String prefix) {
        return prefix + "-" + Long.toHexString(created) + Long.toHexString(ids.incrementAndGet());
    }

    /** The start of an OpenAI response object: id, object type, creation time, model. */
    Map<String, Object> head(String id, String object) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("created", Instant.now().getEpochSecond());
        m.put("model", settings.modelName());
        return m;
    }

    private Map<String, Object> modelCard() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", settings.modelName());
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "mubench");
        m.put("max_model_len", context());
        return m;
    }

    /** Refuses a request whose {@code model} is not the one served. */
    void checkModel(Fields f) {
        String name = f.text("model", null);
        if (name != null && !name.equals(settings.modelName())) {
            throw new ApiException(404, "invalid_request_error", "model",
                    "the model '" + name + "' does not exist; this server serves '" + settings.modelName() + "'");
        }
    }

    private void authorize(Context ctx) {
        if (settings.apiKey() == null || ctx.path().equals("/health")) {
            return;
        }
        String given = ctx.header("Authorization");
        byte[] expected = settings.apiKey().getBytes(StandardCharsets.UTF_8);
        // the scheme is case-insensitive (RFC 9110); the key is compared in constant time
        boolean bearer = given != null && given.length() > 7 && given.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer || !MessageDigest.isEqual(expected, given.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "invalid_request_error", null,
                    given == null ? "no API key given: send Authorization: Bearer KEY" : "incorrect API key provided");
        }
    }

    private static Fields body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "the request body could not be read: " + e.getMessage());
        }
        return new Fields(node);
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Queues every row; a refusal of one takes back those queued before it. */
    private List<CompletableFuture<Generation>> submit(List<Row> rows, List<Batcher.Sink> sinks) {
        if (rows.size() > settings.maxQueued()) {
            boolean oneEach = rows.stream().map(Row::prompt).distinct().count() == rows.size();
            throw ApiException.invalid(oneEach ? "prompt" : "n", "the request asks for " + rows.size() + " sequences (prompts x n); "
                    + "this server queues at most " + settings.maxQueued());
        }
        List<CompletableFuture<Generation>> out = new ArrayList<>();
        try {
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                out.add(batcher.submit(r.prompt(), r.config(), sinks == null ? null : sinks.get(i)));
            }
        } catch (Batcher.OverloadedException | Batcher.ClosedException e) {
            withdraw(out);
            throw new ApiException(503, "server_error", null, "the server cannot take this request now: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            withdraw(out);
            throw ApiException.invalid(e instanceof Batcher.LogitsBudgetException ? "prompt" : "max_tokens", e.getMessage());
        }
        return out;
    }

    private void withdraw(List<CompletableFuture<Generation>> futures) {
        futures.forEach(batcher::withdraw);
    }

    /** Runs every row to its end within the request timeout. */
    List<Generation> generate(List<Row> rows) {
        List<CompletableFuture<Generation>> futures = submit(rows, null);
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        List<Generation> out = new ArrayList<>();
        try {
            for (CompletableFuture<Generation> f : futures) {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
        } catch (TimeoutException e) {
            withdraw(futures);
            throw new ApiException(504, "timeout_error", null, "the request took longer than " + settings.requestTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            withdraw(futures);
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", null, "interrupted");
        } catch (ExecutionException e) {
            withdraw(futures);
            if (e.getCause() instanceof Batcher.ClosedException) {
                throw new ApiException(503, "server_error", null, e.getCause().getMessage());
            }
            throw new IllegalStateException("generation failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    /**
     * Streams every row as server-sent events ({@code data: JSON}), ending with {@code data: [DONE]}. A client that
     * goes away stops its rows.
     */
    void stream(Context ctx, List<Row> rows, StreamFormat format, boolean includeUsage) throws IOException {
        record Event(int row, String delta, Generation done, Throwable failure) {
        }
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        AtomicBoolean gone = new AtomicBoolean();
        List<Batcher.Sink> sinks = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            int row = i;
            sinks.add(new Batcher.Sink() {
                @Override
                public void delta(String text) {
                    events.add(new Event(row, text, null, null));
                }

                @Override
                public boolean cancelled() {
                    return gone.get();
                }
            });
        }
        List<CompletableFuture<Generation>> futures = submit(rows, sinks);
        for (int i = 0; i < rows.size(); i++) {
            int row = i;
            futures.get(i).whenComplete((g, e) -> events.add(new Event(row, null, g, e)));
        }
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        List<Generation> done = new ArrayList<>();
        try {
            for (Row r : rows) {
                for (Map<String, Object> e : format.open(r)) {
                    send(out, e);
                }
            }
            int open = rows.size();
            while (open > 0) {
                Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    send(out, ApiException.body("the request took longer than " + settings.requestTimeout().toSeconds() + " s", "timeout_error", null));
                    gone.set(true);
                    break;
                }
                Row r = rows.get(e.row());
                if (e.failure() != null) {
                    send(out, ApiException.body("generation failed: " + e.failure(), "server_error", null));
                    gone.set(true);
                    break;
                }
                if (e.done() != null) {
                    // deltas queued before the end are sent first: the queue keeps their order
                    send(out, format.end(r, e.done()));
                    done.add(e.done());
                    open--;
                } else if (!e.delta().isEmpty()) {
                    send(out, format.delta(r, e.delta()));
                }
            }
            if (includeUsage && done.size() == rows.size()) {
                send(out, format.usage(Usage.of(rows, done)));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (done.size() < rows.size()) { // timed out, failed, or the client went away: its rows stop
                gone.set(true);
                withdraw(futures);
            }
        }
    }

    private static void send(OutputStream out, Map<String, Object> event) throws IOException {
        out.write("data: ".getBytes(StandardCharsets.UTF_8));
        out.write(JSON.writeValueAsBytes(event));
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
