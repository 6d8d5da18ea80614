package io.github.mubench.tensor.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.filter.Filter;
import io.github.mubench.tensor.io.FormatException;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's chat template ({@code chat_template} of tokenizer_config.json), rendered with Jinjava as transformers'
 * {@code apply_chat_template} renders it with Jinja2: {@code messages}, {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}, {@code raise_exception}, {@code strftime_now} and a Python-style
 * {@code tojson}.
 * <p>
 * Templates come with downloaded models and are untrusted: they get no file or network access (include/import
 * fail), output is capped at {@value #MAX_OUTPUT_CHARS} characters, loops at Jinjava's range limit, and a render
 * that runs longer than {@value #TIMEOUT_SECONDS} s is stopped. Models without a template get {@link #plain()}.
 */
public final class ChatTemplate {
    static final int MAX_OUTPUT_CHARS = 1_000_000;
    static final int TIMEOUT_SECONDS = 5;

    private final String source;
    private final String bosToken, eosToken;
    private final Jinjava jinjava;

    /**
     * @param source   the Jinja template, or {@code null} for the plain fallback
     * @param bosToken value of {@code bos_token} in the template ("" if none)
     * @param eosToken value of {@code eos_token} in the template ("" if none)
     */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.jinjava = source == null ? null : sandboxedJinjava();
    }

    /**
     * The fallback for models without a chat template: message contents joined by blank lines, nothing added for
     * the generation prompt. Fits base models (such as stories260K) that continue plain text.
     */
    public static ChatTemplate plain() {
        return new ChatTemplate(null, "", "");
    }

    /** The template of a tokenizer_config.json (its default one when it lists several), or {@link #plain()}. */
    public static ChatTemplate fromTokenizerConfig(Path file, JsonNode config) {
        JsonNode t = config.get("chat_template");
        String source = null;
        if (t != null && t.isTextual()) {
            source = t.asText();
        } else if (t != null && t.isArray()) {
            for (JsonNode named : t) {
                if (named.path("name").asText().equals("default")) {
                    source = named.path("template").asText(null);
                }
            }
            if (source == null) {
                throw new FormatException(file, "chat_template", "lists templates but none named 'default'");
            }
        } else if (t != null && !t.isNull()) {
            throw new FormatException(file, "chat_template", t.getNodeType() + "; expected a string or a list of {name, template}");
        }
        return source == null ? plain() : new ChatTemplate(source, tokenText(config.get("bos_token")), tokenText(config.get("eos_token")));
    }

    private static String tokenText(JsonNode v) {
        return v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.path("content").asText("");
    }

    /** The Jinja source, or {@code null} for the plain fallback. */
    public String source() {
        return source;
    }

    /** The {@code bos_token} text the template sees ("" if none). */
    public String bosToken() {
        return bosToken;
    }

    /** The {@code eos_token} text the template sees ("" if none). */
    public String eosToken() {
        return eosToken;
    }

    /** Whether this is the plain fallback rather than the model's own template. */
    public boolean isPlain() {
        return source == null;
    }

    /** Renders a conversation; {@code addGenerationPrompt} opens the assistant's turn. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (source == null) {
            return String.join("\n\n", messages.stream().map(ChatMessage::content).toList());
        }
        Map<String, Object> context = new HashMap<>();
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        context.put("messages", msgs);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = renderWithTimeLimit(context);
        for (TemplateError err : result.getErrors()) {
            // Fatal errors, and exceptions Jinjava only warns about (macro recursion, failed include), both mean
            // the template did not render as written.
            if (err.getSeverity() == TemplateError.ErrorType.FATAL || err.getReason() == TemplateError.ErrorReason.EXCEPTION) {
                String message = err.getMessage();
                Throwable cause = err.getException();
                while (cause != null) {
                    if (cause instanceof RaisedException r) {
                        message = "template raised: " + r.getMessage();
                    }
                    cause = cause.getCause();
                }
                throw new ChatTemplateException("chat template error" + (err.getLineno() > 0 ? " at line " + err.getLineno() : "")
                        + ": " + message);
            }
        }
        return result.getOutput();
    }

    /**
     * A conversation split as supervised training sees it.
     *
     * @param prompt     the conversation so far, through the opened assistant turn (no loss is taken on it)
     * @param completion the rest of the rendered conversation: the assistant's reply with the template's end-of-turn
     *                   marker ({@code </s>}, {@code <|eot_id|>}, {@code <|im_end|>\n}, {@code <|end|>\n}, ...)
     */
    public record PromptCompletion(String prompt, String completion) {
    }

    /**
     * {@code prompt} followed by the assistant's {@code response}, split where the assistant's turn begins, as TRL's
     * SFT splits prompt-completion data: the prompt is {@code prompt} rendered with the generation prompt, the
     * completion is what the whole conversation (with the reply) renders beyond it, so it ends with the template's
     * end-of-turn marker and a model trained on it learns to end its turn. The plain fallback's completion is
     * {@code "\n" + response} (the trainer then appends the tokenizer's EOS token).
     *
     * @throws ChatTemplateException when the template renders the full conversation so that it does not begin with
     *                               the rendered prompt (then no completion can be told apart)
     */
    public PromptCompletion promptCompletion(List<ChatMessage> prompt, String response) {
        String head = render(prompt, true);
        if (source == null) {
            return new PromptCompletion(head, "\n" + response);
        }
        List<ChatMessage> all = new ArrayList<>(prompt);
        all.add(ChatMessage.assistant(response));
        String full = render(all, false);
        if (!full.startsWith(head)) {
            throw new ChatTemplateException("the chat template renders a conversation with the assistant's reply so that it "
                    + "does not begin with the conversation rendered with add_generation_prompt; the reply's tokens cannot "
                    + "be told apart (rendered prompt: " + abbreviate(head) + ")");
        }
        return new PromptCompletion(head, full.substring(head.length()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : "..." + s.substring(s.length() - 200);
    }

    /**
     * Renders on a thread of its own and stops it after {@value #TIMEOUT_SECONDS} s. Jinjava never checks for
     * interruption, so a runaway loop is ended with {@code Thread.stop} (deprecated, but the only way to reclaim
     * the CPU from code that does not cooperate; on JVMs without it the thread is left to finish).
     */
    @SuppressWarnings({"deprecation", "removal"})
    private RenderResult renderWithTimeLimit(Map<String, Object> context) {
        RenderResult[] result = new RenderResult[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                result[0] = jinjava.renderForResult(source, context);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "chat-template");
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(TIMEOUT_SECONDS * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatTemplateException("interrupted while rendering the chat template", e);
        }
        if (worker.isAlive()) {
            try {
                worker.stop();
            } catch (UnsupportedOperationException ignored) {
                // Java 20+: nothing more can be done
            }
            throw new ChatTemplateException("chat template did not finish within " + TIMEOUT_SECONDS + " s; refusing it");
        }
        if (failure[0] != null) {
            throw new ChatTemplateException("chat template failed: " + failure[0].getMessage(), failure[0]);
        }
        return result[0];
    }

    private static Jinjava sandboxedJinjava() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withCharset(Charset.forName("UTF-8"))
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withRangeLimit(RANGE_LIMIT)
                .withMaxRenderDepth(10)
                .withMaxMacroRecursionDepth(20)
                .withEnableRecursiveMacroCalls(false)
                .withFailOnUnknownTokens(false)
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .build();
        Jinjava j = new Jinjava(config);
        j.setResourceLocator((name, encoding, interpreter) -> {
            throw new java.io.IOException("templates may not read files ('" + name + "')");
        });
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
                "raiseException", String.class));
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplate.class,
                "strftimeNow", String.class));
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "range", ChatTemplate.class,
                "range", Object.class, Object[].class));
        j.getGlobalContext().registerFilter(new Filter() {
            @Override
            public String getName() {
                return "tojson";
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                return PythonJson.dumps(var);
            }
        });
        return j;
    }

    /** The most values {@code range} gives; Jinjava would silently cut a longer range, so it is an error here. */
    static final int RANGE_LIMIT = 1000;

    /** {@code range(stop)}, {@code range(start, stop[, step])}, as Python's, refusing more than {@value #RANGE_LIMIT} values. */
    public static java.util.List<Integer> range(Object first, Object... rest) {
        long start = 0, stop, step = 1;
        if (rest == null || rest.length == 0) {
            stop = number(first);
        } else {
            start = number(first);
            stop = number(rest[0]);
            step = rest.length > 1 ? number(rest[1]) : 1;
        }
        if (step == 0) {
            throw new RaisedException("range() step must not be zero");
        }
        long count = step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
        if (count > RANGE_LIMIT) {
            throw new RaisedException("range() of " + count + " values; a chat template may use at most " + RANGE_LIMIT);
        }
        return com.hubspot.jinjava.lib.fn.Functions.range(first, rest);
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(o).strip());
        } catch (NumberFormatException e) {
            throw new RaisedException("range() takes whole numbers, got '" + o + "'");
        }
    }

    /** {@code raise_exception(msg)}: templates call it to reject a conversation (e.g. roles out of order). */
    public static String raiseException(String message) {
        throw new RaisedException(message);
    }

    /** {@code strftime_now(format)}: today's date in a strftime format (the common %d %b %B %Y %m %y codes). */
    public static String strftimeNow(String format) {
        String java = format.replace("%d", "dd").replace("%b", "MMM").replace("%B", "MMMM").replace("%Y", "yyyy")
                .replace("%m", "MM").replace("%y", "yy");
        return LocalDate.now().format(DateTimeFormatter.ofPattern(java, Locale.ENGLISH));
    }

    /** Thrown by {@code raise_exception}; reported as the template's own message. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message);
        }
    }
}
