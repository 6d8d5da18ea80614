package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 clients on loopback for a fixed time, each sending mixed requests back to back: every request is answered in
 * full, a prompt's greedy answer is the same under load as alone, batches form, and the server still answers after.
 */
class ServerLoadTest {
    private static final LoadedModel M = Models.stories260K();
    private static final List<String> PROMPTS = List.of("Once upon a time", "The dog", "Lily wanted", "One day, Tom", "The sun");

    @Test
    void concurrentClientsAreAllAnsweredAndBatched() throws Exception {
        try (OpenAiServer server = OpenAiServer.start(M, ServeSettings.defaults("stories").withPort(0), line -> { })) {
            String url = server.baseUrl() + "/completions";
            Map<String, String> alone = new ConcurrentHashMap<>();
            for (String p : PROMPTS) {
                alone.put(p, Http.post(url, body(p, 32, 0, false)).json().at("/choices/0/text").asText());
            }
            long end = System.nanoTime() + 4_000_000_000L;
            AtomicInteger sent = new AtomicInteger(), answered = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                SplittableRandom random = new SplittableRandom(c);
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        String p = PROMPTS.get(random.nextInt(PROMPTS.size()));
                        boolean greedy = random.nextBoolean(), stream = random.nextInt(4) == 0;
                        int max = greedy ? 32 : 1 + random.nextInt(48);
                        sent.incrementAndGet();
                        Http.Reply r = Http.post(url, body(p, max, greedy ? 0 : 1, stream));
                        assertEquals(200, r.status(), r.body());
                        if (stream) {
                            assertTrue(r.body().strip().endsWith("data: [DONE]"), r.body());
                        } else {
                            JsonNode j = r.json();
                            assertTrue(j.at("/usage/completion_tokens").asInt() <= max);
                            if (greedy) {
                                assertEquals(alone.get(p), j.at("/choices/0/text").asText(), "greedy text under load, prompt " + p);
                            }
                        }
                        answered.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
            assertEquals(sent.get(), answered.get());
            assertTrue(answered.get() >= 16, "answered " + answered.get());
            Batcher.Stats stats = server.stats();
            assertTrue(stats.meanBatch() > 1.5, "concurrent requests share batches: " + stats);
            assertEquals(200, Http.get(server.baseUrl() + "/models").status());
        }
    }

    private static String body(String prompt, int maxTokens, double temperature, boolean stream) throws Exception {
        return Http.JSON.writeValueAsString(Map.of("prompt", prompt, "max_tokens", maxTokens, "temperature", temperature,
                "stream", stream, "seed", 7));
    }
}
