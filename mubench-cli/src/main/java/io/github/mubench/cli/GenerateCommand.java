package io.github.mubench.cli;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mubench generate}: continue a prompt, streaming the text. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Continue a prompt with the model.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", description = "prompt text (default: empty, i.e. BOS only)")
    String prompt = "";

    @Option(names = "--prompt-ids", paramLabel = "IDS", description = "prompt as comma-separated token ids instead of text")
    String promptIds;

    @Option(names = "--max-new-tokens", description = "default: ${DEFAULT-VALUE}")
    int maxNewTokens = 256;

    @Option(names = "--temperature", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature = 0;

    @Option(names = "--top-k", description = "0 = off (default: ${DEFAULT-VALUE})")
    int topK = 0;

    @Option(names = "--top-p", description = "1 = off (default: ${DEFAULT-VALUE})")
    double topP = 1;

    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--stop", description = "stop string (repeatable)")
    List<String> stops = List.of();

    @Option(names = "--json", description = "print one JSON object instead of streaming text")
    boolean json;

    @Option(names = "--chat", description = "wrap the prompt as a user turn in the model's chat template")
    boolean chat;

    @Option(names = "--system", description = "system message for --chat")
    String system;

    @Override
    public Integer call() {
        LoadedModel m = model.load();
        int[] ids;
        if (chat) {
            List<ChatMessage> messages = new java.util.ArrayList<>();
            if (system != null) {
                messages.add(ChatMessage.system(system));
            }
            messages.add(ChatMessage.user(prompt));
            ids = m.encodeChat(messages, true);
        } else {
            ids = TokenInput.ids(prompt, promptIds, m.tokenizer(), true, "prompt");
        }
        GenerationConfig config = new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, stops, true, -1, false);
        Generator generator = new Generator(m.inference(), m.tokenizer());
        if (!json && m.tokenizer() != null && !chat) {
            System.out.print(prompt);
        }
        Generation g = generator.generateIds(List.of(ids), config, json ? null : (row, token, delta) -> {
            System.out.print(delta);
            System.out.flush();
        }).get(0);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("prompt", prompt);
            out.put("prompt_tokens", g.promptTokens());
            out.put("tokens", g.tokens());
            out.put("text", g.text());
            out.put("finish", g.finish().name().toLowerCase());
            System.out.println(Json.write(out));
        } else if (m.tokenizer() == null) {
            System.out.println(java.util.Arrays.toString(g.tokens()));
        } else {
            System.out.println();
        }
        return 0;
    }
}
