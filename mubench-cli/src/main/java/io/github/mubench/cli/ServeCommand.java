package io.github.mubench.cli;

import io.github.mubench.serve.OpenAiServer;
import io.github.mubench.serve.ServeSettings;
import io.github.mubench.tensor.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code mubench serve}: an OpenAI-compatible HTTP server over one model, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over an OpenAI-compatible HTTP API (/v1/models, /v1/completions, /v1/chat/completions, /tokenize, /detokenize).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "TCP port, 0 = any free one (default: ${DEFAULT-VALUE})")
    int port = 8000;

    @Option(names = "--api-key", description = "require Authorization: Bearer KEY (default: the MUBENCH_API_KEY environment variable, else none)")
    String apiKey = System.getenv("MUBENCH_API_KEY");

    @Option(names = "--model-name", description = "the name clients give as \"model\" (default: the model folder's or file's name)")
    String modelName;

    @Option(names = "--max-batch", description = "rows generated together at most (default: ${DEFAULT-VALUE})")
    int maxBatch = 16;

    @Option(names = "--batch-window-ms", description = "how long a batch waits at most for as many requests as the last one had (default: ${DEFAULT-VALUE})")
    long batchWindowMs = 50;

    @Option(names = "--max-queued", description = "rows waiting at most; beyond, 503 (default: ${DEFAULT-VALUE})")
    int maxQueued = 256;

    @Option(names = "--max-body", description = "largest request body in bytes (default: ${DEFAULT-VALUE})")
    long maxBody = 4L << 20;

    @Option(names = "--max-tokens", description = "largest max_tokens a request may ask for (default: ${DEFAULT-VALUE})")
    int maxTokens = 4096;

    @Option(names = "--timeout", description = "seconds a request may take (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;

    @Override
    public Integer call() throws InterruptedException {
        LoadedModel m = model.load();
        String name = modelName != null ? modelName : model.model == null ? "stories260K" : model.model.toAbsolutePath().normalize().getFileName().toString();
        ServeSettings settings = new ServeSettings(host, port, apiKey == null || apiKey.isEmpty() ? null : apiKey, name,
                maxBatch, maxQueued, maxBody, maxTokens, Duration.ofSeconds(timeoutSeconds), Duration.ofMillis(batchWindowMs));
        OpenAiServer server = OpenAiServer.start(m, settings, System.err::println);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.err.println("serving '" + name + "' at " + server.baseUrl() + (settings.apiKey() == null ? "" : " (API key required)")
                + (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") ? "" : "; reachable from other machines"));
        stopped.await();
        return 0;
    }
}
