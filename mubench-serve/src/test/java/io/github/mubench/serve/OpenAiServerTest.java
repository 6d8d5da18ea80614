package io.github.mubench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.score.LogLikelihood;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoints against the Java API on the bundled stories260K, over a real loopback socket. */
class OpenAiServerTest {
    private static final LoadedModel M = Models.stories260K();
    private static OpenAiServer server;
    private static String url;

    @BeforeAll
    static void start() {
        server = OpenAiServer.start(M, ServeSettings.defaults("stories").withPort(0), line -> { });
        url = server.baseUrl();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ok(Http.Reply r) {
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static String json(Object o) throws Exception {
        return Http.JSON.writeValueAsString(o);
    }

    @Test
    void listsTheServedModel() {
        JsonNode models = ok(Http.get(url + "/models"));
        assertEquals("stories", models.at("/data/0/id").asText());
        assertEquals(512, models.at("/data/0/max_model_len").asInt());
    }

    @Test
    void completionsGiveTheJavaApisTokensAndLogprobs() throws Exception {
        for (double temperature : new double[]{0, 0.9}) {
            JsonNode r = ok(Http.post(url + "/completions", json(Map.of("model", "stories", "prompt", "Lily and Max went to the",
                    "max_tokens", 24, "temperature", temperature, "top_p", 0.95, "seed", 42, "logprobs", 2))));
            GenerationConfig cfg = GenerationConfig.greedy(24).withTemperature(temperature).withTopP(0.95).withSeed(42).withLogprobs(2);
            Generation g = new Generator(M.inference(), M.tokenizer()).generateIds(
                    List.of(M.tokenizer().encode("Lily and Max went to the", true)), List.of(cfg), null).get(0);
            assertEquals(g.text(), r.at("/choices/0/text").asText());
            JsonNode lps = r.at("/choices/0/logprobs/token_logprobs");
            assertEquals(g.tokens().length, lps.size());
            for (int i = 0; i < lps.size(); i++) {
                assertEquals(g.logprobs().get(i).logprob(), lps.get(i).asDouble(), 1e-12, "token " + i);
            }
            assertEquals(g.tokens().length, r.at("/usage/completion_tokens").asInt());
            assertEquals(String.join("", iterate(r.at("/choices/0/logprobs/tokens"))), g.text());
        }
    }

    @Test
    void nChoicesOfSeveralPromptsAreIndexedAndSeededAsOpenAiAndTheJavaApiSay() throws Exception {
        List<String> prompts = List.of("The cat", "Lily and Max");
        JsonNode r = ok(Http.post(url + "/completions", json(Map.of("prompt", prompts, "n", 3, "max_tokens", 12, "temperature", 1.0, "seed", 9))));
        assertEquals(6, r.get("choices").size());
        Generator g = new Generator(M.inference(), M.tokenizer());
        int promptTokens = 0;
        for (int p = 0; p < prompts.size(); p++) {
            int[] ids = M.tokenizer().encode(prompts.get(p), true);
            promptTokens += ids.length;
            for (int c = 0; c < 3; c++) {
                JsonNode choice = r.at("/choices/" + (p * 3 + c));
                assertEquals(p * 3 + c, choice.get("index").asInt());
                String expected = g.generateIds(List.of(ids), GenerationConfig.greedy(12).withTemperature(1.0).withSeed(9 + c)).get(0).text();
                assertEquals(expected, choice.get("text").asText(), "prompt " + p + ", choice " + c + " draws with seed + " + c);
            }
        }
        assertEquals(promptTokens, r.at("/usage/prompt_tokens").asInt(), "each prompt counted once, not once per choice");
    }

    @Test
    void chatCompletionsGiveTheJavaApisReplyThroughTheTemplate() throws Exception {
        List<Map<String, String>> messages = List.of(Map.of("role", "system", "content", "Tell a story."),
                Map.of("role", "user", "content", "A cat and a dog"));
        JsonNode r = ok(Http.post(url + "/chat/completions", json(Map.of("messages", messages, "max_tokens", 30, "temperature", 0.7,
                "seed", 5, "logprobs", true, "top_logprobs", 3))));
        int[] ids = M.encodeChat(List.of(ChatMessage.system("Tell a story."), ChatMessage.user("A cat and a dog")), true);
        Generation g = new Generator(M.inference(), M.tokenizer()).generateIds(List.of(ids),
                List.of(GenerationConfig.greedy(30).withTemperature(0.7).withSeed(5).withLogprobs(3)), null).get(0);
        assertEquals(g.text(), r.at("/choices/0/message/content").asText());
        assertEquals("assistant", r.at("/choices/0/message/role").asText());
        JsonNode content = r.at("/choices/0/logprobs/content");
        assertEquals(g.tokens().length, content.size());
        for (int i = 0; i < content.size(); i++) {
            assertEquals(g.logprobs().get(i).logprob(), content.get(i).get("logprob").asDouble(), 1e-12);
            assertEquals(3, content.get(i).get("top_logprobs").size());
        }
        assertEquals(ids.length, r.at("/usage/prompt_tokens").asInt());
    }

    @Test
    void lmEvalsEchoRequestsScoreLikeLogLikelihood() throws Exception {
        // lm-eval's local-completions: token ids of context + continuation, echo, logprobs 1, max_tokens 1 (0 in
        // older versions); it sums token_logprobs[ctxlen:-1] and calls a continuation greedy when each of its
        // tokens' log-probability is the top one
        List<LogLikelihood.Request> requests = List.of(
                LogLikelihood.Request.encode(M.tokenizer(), "Once upon a time, there was a", " little girl"),
                LogLikelihood.Request.encode(M.tokenizer(), "The dog ran to the", " moon and back"),
                LogLikelihood.Request.encode(M.tokenizer(), "Lily", " was happy."));
        List<LogLikelihood.Result> expected = new LogLikelihood(M.inference(), 3).score(requests);
        List<int[]> prompts = new ArrayList<>();
        for (LogLikelihood.Request q : requests) {
            int[] whole = Arrays.copyOf(q.context(), q.context().length + q.continuation().length);
            System.arraycopy(q.continuation(), 0, whole, q.context().length, q.continuation().length);
            prompts.add(whole);
        }
        for (int maxTokens : new int[]{1, 0}) {
            JsonNode r = ok(Http.post(url + "/completions", json(Map.of("model", "stories", "prompt", prompts, "temperature", 0,
                    "max_tokens", maxTokens, "logprobs", 1, "echo", true, "seed", 1234))));
            for (int i = 0; i < requests.size(); i++) {
                JsonNode choice = r.at("/choices/" + i);
                assertEquals(i, choice.get("index").asInt());
                int ctxlen = requests.get(i).context().length, end = prompts.get(i).length;
                assertEquals(end + maxTokens, choice.at("/logprobs/token_logprobs").size());
                assertTrue(choice.at("/logprobs/token_logprobs/0").isNull());
                double sum = 0;
                boolean greedy = true;
                for (int t = ctxlen; t < end; t++) {
                    double lp = choice.at("/logprobs/token_logprobs/" + t).asDouble();
                    sum += lp;
                    double best = Double.NEGATIVE_INFINITY;
                    for (JsonNode v : iterateNodes(choice.at("/logprobs/top_logprobs/" + t))) {
                        best = Math.max(best, v.asDouble());
                    }
                    greedy &= lp == best;
                }
                // float32 logits; the server and LogLikelihood batch and pad the rows differently
                assertEquals(expected.get(i).logprob(), sum, 1e-4, "request " + i);
                assertEquals(expected.get(i).isGreedy(), greedy, "request " + i);
            }
        }
    }

    @Test
    void streamedChunksConcatenateToTheWholeReply() throws Exception {
        Map<String, Object> body = Map.of("messages", List.of(Map.of("role", "user", "content", "Once")), "max_tokens", 40,
                "temperature", 0);
        String whole = ok(Http.post(url + "/chat/completions", json(body))).at("/choices/0/message/content").asText();
        Map<String, Object> streamed = new java.util.HashMap<>(body);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        Http.Reply r = Http.post(url + "/chat/completions", json(streamed));
        assertEquals(200, r.status());
        List<String> events = Arrays.stream(r.body().split("\n\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertEquals("data: [DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = Http.JSON.readTree(e.substring("data: ".length()));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) {
                assertTrue(chunk.at("/usage/completion_tokens").asInt() > 0);
                continue;
            }
            text.append(chunk.at("/choices/0/delta/content").asText(""));
            if (!chunk.at("/choices/0/finish_reason").isNull()) {
                finish = chunk.at("/choices/0/finish_reason").asText();
            }
        }
        assertEquals(whole, text.toString());
        assertTrue(finish != null);
        String completion = Http.post(url + "/completions", json(Map.of("prompt", "Once", "max_tokens", 20, "temperature", 0, "stream", true))).body();
        assertTrue(completion.contains("\"object\":\"text_completion\"") && completion.strip().endsWith("data: [DONE]"), completion);
    }

    @Test
    void tokenizeAndDetokenizeAsVllmDoes() throws Exception {
        JsonNode t = ok(Http.post(url.replace("/v1", "") + "/tokenize", json(Map.of("prompt", "Once upon a time"))));
        int[] expected = M.tokenizer().encode("Once upon a time", true);
        assertEquals(expected.length, t.get("count").asInt());
        assertEquals(expected[1], t.at("/tokens/1").asInt());
        JsonNode chat = ok(Http.post(url.replace("/v1", "") + "/tokenize", json(Map.of("messages", List.of(Map.of("role", "user", "content", "Hi"))))));
        assertEquals(M.encodeChat(List.of(ChatMessage.user("Hi")), true).length, chat.get("count").asInt());
        JsonNode d = ok(Http.post(url.replace("/v1", "") + "/detokenize", json(Map.of("tokens", Arrays.stream(expected).boxed().toList()))));
        assertEquals(M.tokenizer().decode(expected, false), d.get("prompt").asText());
        // what lm-eval's check_remote_tokenizer_support reads before it tokenizes through the server
        JsonNode info = ok(Http.get(url.replace("/v1", "") + "/tokenizer_info"));
        assertEquals(M.tokenizer().decode(new int[]{2}, false), info.get("eos_token").asText());
        assertEquals(512, info.get("model_max_length").asInt());
        assertTrue(info.has("chat_template"));
    }

    private static List<String> iterate(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> iterateNodes(JsonNode object) {
        List<JsonNode> out = new ArrayList<>();
        object.elements().forEachRemaining(out::add);
        return out;
    }
}
