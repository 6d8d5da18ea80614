package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.judge.Judge;
import io.github.mubench.eval.judge.Judges;
import io.github.mubench.eval.judge.LocalJudgeModel;
import io.github.mubench.tensor.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a {@code mubench serve} (a real subprocess) while {@code mubench judge} uses it as its judge
 * model over HTTP, then a new server on the same port: the judge run retries, finishes, and every verdict equals the
 * in-process judge's on the same model.
 */
class ServeKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Process java(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.github.mubench.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitHealthy(int port, Process server, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(server.isAlive(), () -> "the server died: " + read(log));
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no server on port " + port + ": " + read(log));
    }

    private static long lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void aJudgeRunOutlivesItsServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Judge.Case> cases = new ArrayList<>();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            String prompt = "Tell me about the dog number " + i, response = "Once upon a time, a dog ran " + i + " times.";
            cases.add(new Judge.Case(prompt, prompt, response));
            rows.append(JSON.writeValueAsString(Map.of("prompt", prompt, "response", response))).append('\n');
        }
        Path input = dir.resolve("rows.jsonl"), out = dir.resolve("judged.jsonl");
        Files.writeString(input, rows);

        Process first = java(dir.resolve("server1.log"), "serve", "--port", String.valueOf(port));
        awaitHealthy(port, first, dir.resolve("server1.log"));
        Process client = java(dir.resolve("judge.log"), "judge", "--judge", "strongreject=http://127.0.0.1:" + port + "/v1",
                "--judge-param", "strongreject:max_new_tokens=24", "--batch-size", "2", "--input", input.toString(), "--out", out.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(out) < 4 && client.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(client.isAlive(), () -> "the judge run should still be going: " + read(dir.resolve("judge.log")));
        first.destroyForcibly(); // SIGKILL
        first.waitFor();
        long before = lines(out);
        Thread.sleep(1000); // the client meets a closed port and backs off
        Process second = java(dir.resolve("server2.log"), "serve", "--port", String.valueOf(port));
        try {
            awaitHealthy(port, second, dir.resolve("server2.log"));
            assertEquals(0, client.waitFor(), () -> read(dir.resolve("judge.log")));
        } finally {
            second.destroy();
            second.waitFor();
        }
        assertTrue(before < 120, "killed with " + before + " of 120 rows judged");
        List<Judge.Verdict> expected = Judges.entry("strongreject").create(Map.of("max_new_tokens", "24"),
                new LocalJudgeModel(Models.stories260K(), "local")).judge(cases);
        List<String> judged = Files.readAllLines(out);
        assertEquals(120, judged.size());
        for (int i = 0; i < judged.size(); i++) {
            JsonNode row = JSON.readTree(judged.get(i));
            assertEquals(expected.get(i).raw(), row.get("raw").asText(), "row " + i);
            assertEquals(expected.get(i).label(), row.get("label").asText(), "row " + i);
        }
        assertTrue(read(dir.resolve("server2.log")).contains("POST /v1/chat/completions 200"), "the second server answered");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "(no " + p + ")";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
