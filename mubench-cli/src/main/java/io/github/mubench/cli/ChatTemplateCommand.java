package io.github.mubench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.chat.ChatMessage;
import io.github.mubench.tensor.io.FormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mubench chat-template}: a conversation rendered with the model's chat template. */
@Command(name = "chat-template", mixinStandardHelpOptions = true,
        description = "Render a conversation (JSON list of {role, content}) with the model's chat template.")
final class ChatTemplateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--messages", required = true, paramLabel = "FILE.json")
    Path messages;

    @Option(names = "--add-generation-prompt", description = "open the assistant's turn at the end")
    boolean addGenerationPrompt;

    @Override
    public Integer call() {
        System.out.print(model.load().chatTemplate().render(read(messages), addGenerationPrompt));
        System.out.flush();
        return 0;
    }

    static List<ChatMessage> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new FormatException(file, "messages", "cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new FormatException(file, "messages", "expected a JSON list of {\"role\": ..., \"content\": ...}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode m = root.get(i);
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new FormatException(file, "messages[" + i + "]", m + "; expected {\"role\": string, \"content\": string}");
            }
            out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        return out;
    }
}
