package io.github.mubench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.serve.OpenAiServer;
import io.github.mubench.serve.ServeSettings;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.LlamaConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of {@code mubench serve} at 1, 4 and 16 concurrent clients on loopback, against the in-process
 * generator on the same work: one request at a time (batch 1) and all 16 prompts as one batch (the ceiling of
 * batching). Each request: a 32-token prompt (random ids), greedy, {@code max_tokens} new tokens, EOS ignored.
 * Random weights of a benchmark shape with the Phi-3 (Llama-2 vocabulary) tokenizer from {@code data/}.
 * <p>
 * Usage: {@code ServeHarness [shape=56M] [seconds=20] [max_tokens=64] [batch_window_ms=50]}
 */
public final class ServeHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeHarness() {
    }

    public static void main(String[] args) throws Exception {
        String shape = args.length > 0 ? args[0] : "56M";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Duration window = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 50);
        LlamaConfig c = BenchConfigs.byName(shape);
        LoadedModel model = BenchConfigs.withTokenizer(shape);
        List<int[]> prompts = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(0);
        for (int i = 0; i < 16; i++) {
            prompts.add(rnd.ints(32, 3, c.vocabSize()).toArray());
        }
        GenerationConfig cfg = GenerationConfig.greedy(maxTokens).withStopAtEos(false);
        Generator gen = new Generator(model.inference(), model.tokenizer());
        gen.generateIds(prompts.subList(0, 2), cfg, null); // warm-up

        long start = System.nanoTime();
        int done = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            gen.generateIds(List.of(prompts.get(done % 16)), cfg, null);
            done++;
        }
        double t = (System.nanoTime() - start) / 1e9;
        report("in-process batch 1", 1, done, done * (long) maxTokens, t, List.of());
        start = System.nanoTime();
        int rounds = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            gen.generateIds(prompts, Collections.nCopies(16, cfg), null);
            rounds++;
        }
        t = (System.nanoTime() - start) / 1e9;
        report("in-process batch 16", 16, rounds * 16, rounds * 16L * maxTokens, t, List.of());

        try (OpenAiServer server = OpenAiServer.start(model, ServeSettings.defaults(shape).withPort(0).withBatchWindow(window), line -> { })) {
            HttpClient http = HttpClient.newHttpClient();
            for (int clients : new int[]{1, 4, 16}) {
                long batches0 = server.stats().batches(), rows0 = server.stats().rows();
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                long end = System.nanoTime() + (long) (seconds * 1e9);
                long s = System.nanoTime();
                List<Future<long[]>> results = new ArrayList<>();
                List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
                for (int k = 0; k < clients; k++) {
                    int client = k;
                    results.add(pool.submit(() -> {
                        long requests = 0, tokens = 0;
                        while (System.nanoTime() < end) {
                            int[] p = prompts.get((int) ((client + requests * clients) % 16));
                            String body = JSON.writeValueAsString(Map.of("prompt", p, "max_tokens", maxTokens, "temperature", 0, "ignore_eos", true));
                            long q = System.nanoTime();
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/completions"))
                                    .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                            }
                            latencies.add((System.nanoTime() - q) / 1e9);
                            JsonNode j = JSON.readTree(r.body());
                            tokens += j.at("/usage/completion_tokens").asLong();
                            requests++;
                        }
                        return new long[]{requests, tokens};
                    }));
                }
                long requests = 0, tokens = 0;
                for (Future<long[]> f : results) {
                    requests += f.get()[0];
                    tokens += f.get()[1];
                }
                t = (System.nanoTime() - s) / 1e9;
                pool.shutdown();
                long batches = server.stats().batches() - batches0, rows = server.stats().rows() - rows0;
                report("serve, " + clients + " client" + (clients > 1 ? "s" : "") + String.format(" (mean batch %.1f)",
                        batches == 0 ? 0 : (double) rows / batches), clients, requests, tokens, t, latencies);
            }
        }
    }

    private static void report(String what, int concurrency, long requests, long tokens, double seconds, List<Double> latencies) {
        double[] l = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("{\"event\":\"serve\",\"what\":\"%s\",\"concurrency\":%d,\"requests\":%d,\"seconds\":%.2f,"
                        + "\"requests_per_s\":%.3f,\"tokens_per_s\":%.1f,\"latency_p50_s\":%s,\"latency_p95_s\":%s,\"rss_mib\":%.0f}%n",
                what, concurrency, requests, seconds, requests / seconds, tokens / seconds,
                l.length == 0 ? "null" : String.format("%.3f", l[l.length / 2]),
                l.length == 0 ? "null" : String.format("%.3f", l[Math.min(l.length - 1, (int) (l.length * 0.95))]), Meters.rssMiB());
    }
}
