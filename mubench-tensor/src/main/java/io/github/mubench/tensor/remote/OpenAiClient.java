package io.github.mubench.tensor.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * A client of one OpenAI-compatible endpoint ({@code mubench serve}, vLLM, llama.cpp's server, ...): JSON posts with
 * retries and exponential backoff on connection failures, 429 and 5xx (honouring {@code Retry-After}), and at most
 * {@code concurrency} requests in flight. Other 4xx answers, a 504 (the server's own timeout) and a request over the
 * client's timeout fail at once with the server's message.
 */
public final class OpenAiClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final int retries;
    private final Duration timeout;
    private final Semaphore inFlight;
    private final HttpClient http;
    private final ExecutorService pool;
    private volatile String model;
    private volatile int context = -2;

    /**
     * @param baseUrl     e.g. {@code http://127.0.0.1:8000/v1}
     * @param model       the model name to send, or {@code null} for the first one {@code /models} lists
     * @param apiKey      sent as {@code Authorization: Bearer KEY}, or {@code null}
     * @param concurrency requests in flight at most
     * @param retries     retries of a failed request (connection errors, 429, 5xx but 504) before giving up; the
     *                    waits double from half a second up to 30 s (plus up to 0.25 s of jitter), or are what the
     *                    server's {@code Retry-After} says, up to 60 s
     * @param timeout     how long one request may take
     */
    public OpenAiClient(String baseUrl, String model, String apiKey, int concurrency, int retries, Duration timeout) {
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("endpoint '" + baseUrl + "' is not an http:// or https:// URL");
        }
        if (concurrency < 1 || retries < 0) {
            throw new IllegalArgumentException("concurrency must be >= 1 and retries >= 0, got " + concurrency + " and " + retries);
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.model = model;
        this.apiKey = apiKey;
        this.retries = retries;
        this.timeout = timeout;
        this.inFlight = new Semaphore(concurrency);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "openai-client");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client of {@code URL[#MODEL]} ({@code #MODEL} picks one of several models the endpoint serves; default: the
     * first it lists) with the key in {@code OPENAI_API_KEY} (if set), 8 requests in flight, 5 retries, 10 minutes each.
     */
    public static OpenAiClient of(String endpoint) {
        int hash = endpoint.indexOf('#');
        String key = System.getenv("OPENAI_API_KEY");
        return new OpenAiClient(hash < 0 ? endpoint : endpoint.substring(0, hash), hash < 0 ? null : endpoint.substring(hash + 1),
                key == null || key.isEmpty() ? null : key, 8, 5, Duration.ofMinutes(10));
    }

    /** Whether {@code where} names an endpoint ({@code http://} or {@code https://}) rather than a model path. */
    public static boolean isEndpoint(String where) {
        return where.startsWith("http://") || where.startsWith("https://");
    }

    /** The base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The model name requests carry (asked of {@code /models} once when not given). */
    public String model() {
        if (model == null) {
            readModels();
        }
        return model;
    }

    /** The model's context length as {@code /models} reports it ({@code max_model_len}), or -1 when it does not. */
    public int contextLength() {
        if (context == -2) {
            readModels();
        }
        return context;
    }

    /**
     * The prompt tokens a request may keep so that {@code maxNewTokens} (at least one) still fit the endpoint's
     * context, as a local model cuts them; -1 when the endpoint does not report its context. Sent as vLLM's
     * {@code truncate_prompt_tokens}, which keeps a prompt's last tokens.
     */
    public int promptRoom(int maxNewTokens) {
        int room = contextLength() - Math.max(1, maxNewTokens);
        return contextLength() > 0 && room > 0 ? room : -1;
    }

    /** What identifies this model in cache keys: the endpoint and the model name. */
    public String identity() {
        return "remote:" + baseUrl + "#" + model();
    }

    private synchronized void readModels() {
        JsonNode models;
        try {
            models = sendTo(baseUrl + "/models", null);
        } catch (RemoteModelException e) {
            if (e.status() == 404 && !baseUrl.endsWith("/v1")) {
                throw new RemoteModelException(e.getMessage() + " (an OpenAI-compatible base URL usually ends in /v1)", 404, e);
            }
            throw e;
        }
        JsonNode data = models.path("data");
        JsonNode card = null;
        for (JsonNode m : data) {
            if (model == null || model.equals(m.path("id").asText())) {
                card = m;
                break;
            }
        }
        if (card == null) {
            throw new RemoteModelException(baseUrl + "/models lists no model" + (model == null ? "" : " named '" + model + "'")
                    + ": " + models, 0, null);
        }
        model = card.path("id").asText();
        context = card.path("max_model_len").asInt(-1);
    }

    /** POSTs {@code body} (a JSON-serialisable object) to {@code path} under the base URL. */
    public JsonNode post(String path, Object body) {
        return sendTo(baseUrl + path, body);
    }

    /**
     * POSTs to {@code path} at the server's root (the base URL without its final {@code /v1}): where vLLM and
     * {@code mubench serve} answer {@code /tokenize} and {@code /detokenize}.
     */
    public JsonNode postRoot(String path, Object body) {
        String root = baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
        return sendTo(root + path, body);
    }


    /** Runs {@code call} on each item with up to {@code concurrency} in flight; results in order. */
    public <T, R> List<R> map(List<T> items, Function<T, R> call) {
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> call.apply(item)));
        }
        List<R> out = new ArrayList<>();
        try {
            for (Future<R> f : futures) {
                out.add(f.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new RemoteModelException(e.getCause().toString(), 0, e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new RemoteModelException("interrupted while waiting for " + baseUrl, 0, e);
        }
        return out;
    }

    private JsonNode sendTo(String url, Object body) {
        byte[] payload;
        try {
            payload = body == null ? null : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request as JSON: " + e.getMessage(), e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        b = payload == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofByteArray(payload)).header("Content-Type", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = b.build();
        RemoteModelException last = null;
        long retryAfter = -1;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                // a little jitter keeps many clients that failed together from retrying together
                long jitter = java.util.concurrent.ThreadLocalRandom.current().nextLong(250);
                sleep(retryAfter >= 0 ? Math.min(60_000, retryAfter * 1000) : Math.min(30_000, 500L << Math.min(attempt - 1, 6)) + jitter);
            }
            retryAfter = -1;
            HttpResponse<String> r;
            try {
                inFlight.acquire();
                try {
                    r = http.send(request, HttpResponse.BodyHandlers.ofString());
                } finally {
                    inFlight.release();
                }
            } catch (java.net.http.HttpTimeoutException e) { // the request itself is too slow: retrying repeats the wait
                throw new RemoteModelException("no answer from " + url + " within " + timeout.toSeconds() + " s", 0, e);
            } catch (IOException e) {
                last = new RemoteModelException("no answer from " + url + ": " + e, 0, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteModelException("interrupted while calling " + url, 0, e);
            }
            if (r.statusCode() / 100 == 2) {
                try {
                    return JSON.readTree(r.body());
                } catch (IOException e) {
                    throw new RemoteModelException(url + " answered something that is not JSON: " + clip(r.body()), r.statusCode(), e);
                }
            }
            last = new RemoteModelException(url + " answered " + r.statusCode() + ": " + message(r.body()), r.statusCode(), null);
            retryAfter = seconds(r.headers().firstValue("Retry-After").orElse(null));
            // 429 and 5xx may pass; a 504 is the server's own request timeout, which a retry would only repeat
            if (r.statusCode() != 429 && (r.statusCode() < 500 || r.statusCode() == 504)) {
                throw last;
            }
        }
        throw new RemoteModelException(last.getMessage() + " (gave up after " + (retries + 1) + " tries)", last.status(), last.getCause());
    }

    /** A {@code Retry-After} header in seconds, or -1 (absent, or an HTTP date: exponential backoff then). */
    private static long seconds(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteModelException("interrupted while backing off", 0, e);
        }
    }

    /** The error message of an OpenAI-shaped error body, or the body. */
    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.path("error").path("message").isTextual()) {
                return n.path("error").path("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show the text itself
        }
        return clip(body);
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
