package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad requests get a 4xx in OpenAI's error shape, naming what is wrong; the key, size and time limits hold. */
class ServerRefusalsTest {
    private static final LoadedModel M = Models.stories260K();
    private static OpenAiServer server;
    private static String url;

    @BeforeAll
    static void start() {
        server = OpenAiServer.start(M, ServeSettings.defaults("stories").withPort(0).withApiKey("sk-test")
                .withLimits(4, 64, 2048, 300, Duration.ofSeconds(60)), line -> { });
        url = server.baseUrl();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode refused(int status, Http.Reply r, String param, String words) {
        assertEquals(status, r.status(), r.body());
        JsonNode e = r.json().get("error");
        assertTrue(e.get("message").asText().contains(words), e.toString());
        assertEquals(param, e.get("param").isNull() ? null : e.get("param").asText(), e.toString());
        assertTrue(e.has("type") && e.has("code"), e.toString());
        return e;
    }

    private static Http.Reply post(String path, String body) {
        return Http.post(url + path, body, "Authorization", "Bearer sk-test");
    }

    @Test
    void badParametersNameTheField() {
        refused(400, post("/completions", "{\"prompt\": \"x\", \"temperature\": 5}"), "temperature", "[0.0, 2.0]");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"max_tokens\": 301}"), "max_tokens", "[0, 300]");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"max_tokens\": \"ten\"}"), "max_tokens", "integer");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"top_p\": 0}"), "top_p", "(0.0, 1.0]");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"logprobs\": 21}"), "logprobs", "[0, 20]");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"stop\": [1]}"), "stop", "strings");
        refused(400, post("/completions", "{\"prompt\": \"x\", \"frequency_penalty\": 0.5}"), "frequency_penalty", "not supported");
        refused(400, post("/completions", "{\"max_tokens\": 3}"), "prompt", "required");
        refused(400, post("/completions", "{\"prompt\": [1, 99999]}"), "prompt", "[0, 512)");
        refused(400, post("/completions", "{\"prompt\": [[1, 2], {}]}"), "prompt", "object");
        refused(400, post("/completions", "{\"prompt\": \"" + "a b ".repeat(150) + "\", \"max_tokens\": 300}"), "max_tokens", "context is 512");
        refused(404, post("/completions", "{\"prompt\": \"x\", \"model\": \"gpt-4\"}"), "model", "serves 'stories'");
        refused(400, post("/chat/completions", "{\"messages\": []}"), "messages", "non-empty");
        refused(400, post("/chat/completions", "{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}"), "messages", "role");
        refused(400, post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 2}"), "top_logprobs", "logprobs: true");
        refused(400, post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logprobs\": true, \"stream\": true}"), "logprobs", "not streamed");
        refused(400, post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "a b ".repeat(300) + "\"}]}"), "messages", "context is 512");
        refused(400, post("/completions", "{\"prompt\": [\"a\", \"b\", \"c\", \"d\", \"e\"], \"n\": 16, \"max_tokens\": 1}"), "n", "80 sequences");
        refused(400, post("/completions", "{\"prompt\": [" + "\"a\",".repeat(64) + "\"a\"], \"max_tokens\": 1}"), "prompt", "65 sequences");
    }

    @Test
    void malformedAndOversizeBodiesAreRefused() {
        refused(400, post("/completions", "{\"prompt\": \"x\""), null, "not valid JSON");
        refused(400, post("/completions", "[1, 2]"), null, "JSON object");
        refused(400, post("/completions", ""), null, "JSON object");
        refused(413, post("/completions", "{\"prompt\": \"" + "x".repeat(4000) + "\"}"), null, "larger than 2048 bytes");
        assertEquals(404, Http.post(url + "/nothing", "{}", "Authorization", "Bearer sk-test").status());
    }

    @Test
    void theApiKeyIsRequiredWhenSet() {
        refused(401, Http.post(url + "/completions", "{\"prompt\": \"x\"}"), null, "no API key");
        refused(401, Http.post(url + "/completions", "{\"prompt\": \"x\"}", "Authorization", "Bearer wrong"), null, "incorrect API key");
        assertEquals(200, Http.get(url.replace("/v1", "") + "/health").status());
        assertEquals(200, post("/completions", "{\"prompt\": \"x\", \"max_tokens\": 2}").status());
        assertEquals(200, Http.post(url + "/completions", "{\"prompt\": \"x\", \"max_tokens\": 2}", "Authorization", "bearer sk-test").status(),
                "the scheme's case does not matter");
    }

    @Test
    void aRequestPastItsTimeIsStoppedWith504() throws InterruptedException {
        try (OpenAiServer slow = OpenAiServer.start(M, ServeSettings.defaults("stories").withPort(0)
                .withLimits(4, 64, 1 << 20, 4096, Duration.ofMillis(30)), line -> { })) {
            Http.Reply r = Http.post(slow.baseUrl() + "/completions", "{\"prompt\": \"Once\", \"max_tokens\": 500, \"ignore_eos\": true}");
            refused(504, r, null, "longer than");
            // the row was either taken out of the queue before it started, or stopped at a step: it ends either way
            Thread.sleep(200);
            long until = System.nanoTime() + 10_000_000_000L;
            while (slow.stats().rows() != slow.stats().rowsEnded() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(slow.stats().rows(), slow.stats().rowsEnded(), "every started row ended: " + slow.stats());
            assertTrue(slow.stats().generatedTokens() < 500, "the row was stopped, not run to its end: " + slow.stats());
            // and the server still answers
            assertEquals(Integer.valueOf(400), Integer.valueOf(Http.post(slow.baseUrl() + "/completions", "{\"prompt\": 3}").status()));
        }
    }
}
