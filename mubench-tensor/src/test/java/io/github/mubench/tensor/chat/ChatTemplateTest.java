package io.github.mubench.tensor.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden renders of the chat formats the common model families document, each written here as a Jinja template
 * with the constructs real templates use (slices, loop variables, namespace, trim/strip, raise_exception), and the
 * limits that keep an untrusted template from hurting the process.
 */
class ChatTemplateTest {
    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are terse."),
            ChatMessage.user("Hi there "),
            ChatMessage.assistant("Hello."),
            ChatMessage.user("How are you?"));
    private static final List<ChatMessage> NO_SYSTEM = CONVERSATION.subList(1, 4);

    private static final String LLAMA2 = """
            {%- if messages[0]['role'] == 'system' -%}{%- set system = messages[0]['content'] -%}{%- set rest = messages[1:] -%}\
            {%- else -%}{%- set system = '' -%}{%- set rest = messages -%}{%- endif -%}\
            {%- for m in rest -%}\
            {%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{%- endif -%}\
            {%- if m['role'] == 'user' -%}\
            {%- if loop.first and system != '' -%}{%- set content = '<<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' + m['content'] -%}{%- else -%}{%- set content = m['content'] -%}{%- endif -%}\
            {{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}\
            {%- else -%}{{ ' ' + m['content'].strip() + ' ' + eos_token }}{%- endif -%}\
            {%- endfor -%}""";

    private static final String LLAMA3 = """
            {%- set ns = namespace(out=bos_token) -%}\
            {%- for m in messages -%}\
            {%- set ns.out = ns.out + '<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + (m['content'] | trim) + '<|eot_id|>' -%}\
            {%- endfor -%}{{ ns.out }}\
            {%- if add_generation_prompt -%}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif -%}""";

    private static final String MISTRAL = """
            {{ bos_token }}{%- for m in messages -%}\
            {%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{%- endif -%}\
            {%- if m['role'] == 'user' -%}{{ '[INST] ' + m['content'] + ' [/INST]' }}\
            {%- elif m['role'] == 'assistant' -%}{{ m['content'] + eos_token }}\
            {%- else -%}{{ raise_exception('Only user and assistant roles are supported!') }}{%- endif -%}\
            {%- endfor -%}""";

    private static final String CHATML = """
            {%- for m in messages -%}\
            {%- if loop.first and m['role'] != 'system' -%}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif -%}\
            {{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}\
            {%- endfor -%}\
            {%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}""";

    private static final String ZEPHYR = """
            {%- for m in messages -%}{{ '<|' + m['role'] + '|>\\n' + m['content'] + eos_token + '\\n' }}{%- endfor -%}\
            {%- if add_generation_prompt -%}{{ '<|assistant|>\\n' }}{%- endif -%}""";

    @Test
    void llama2() {
        var t = new ChatTemplate(LLAMA2, "<s>", "</s>");
        assertEquals("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi there [/INST] Hello. </s><s>[INST] How are you? [/INST]",
                t.render(CONVERSATION, true));
        assertEquals("<s>[INST] Hi there [/INST] Hello. </s><s>[INST] How are you? [/INST]", t.render(NO_SYSTEM, true));
    }

    @Test
    void llama3() {
        var t = new ChatTemplate(LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CONVERSATION, true));
    }

    @Test
    void mistralAndItsRoleCheck() {
        var t = new ChatTemplate(MISTRAL, "<s>", "</s>");
        assertEquals("<s>[INST] Hi there  [/INST]Hello.</s>[INST] How are you? [/INST]", t.render(NO_SYSTEM, true));
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.render(CONVERSATION, true));
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void qwen2ChatMlWithItsDefaultSystemPrompt() {
        var t = new ChatTemplate(CHATML, "", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi there <|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n<|im_start|>assistant\n",
                t.render(NO_SYSTEM, true));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi there <|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n", t.render(CONVERSATION, false));
    }

    @Test
    void zephyr() {
        var t = new ChatTemplate(ZEPHYR, "<s>", "</s>");
        assertEquals("<|system|>\nYou are terse.</s>\n<|user|>\nHi there </s>\n<|assistant|>\nHello.</s>\n"
                + "<|user|>\nHow are you?</s>\n<|assistant|>\n", t.render(CONVERSATION, true));
    }

    @Test
    void phi3FromItsRealTokenizerConfig() throws IOException {
        Path file = Path.of("..", "data", "phi3_tokenizer", "tokenizer_config.json");
        var t = ChatTemplate.fromTokenizerConfig(file, new ObjectMapper().readTree(file.toFile()));
        assertEquals("<|user|>\nHi there <|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nHow are you?<|end|>\n<|assistant|>\n",
                t.render(NO_SYSTEM, true));
        assertEquals("<|user|>\nHi there <|end|>\n<|assistant|>\nHello.<|end|>\n", t.render(NO_SYSTEM.subList(0, 2), true),
                "no generation prompt after an assistant turn");
    }

    /**
     * Supervised data as TRL splits prompt-completion pairs: the completion is what the conversation with the reply
     * renders beyond the prompt with the generation prompt, so it ends with each family's end-of-turn marker.
     */
    @Test
    void trainingSplitsEndWithEachFamilysEndOfTurnMarker() throws IOException {
        List<ChatMessage> prompt = List.of(ChatMessage.user("Hi"));
        Path phi3 = Path.of("..", "data", "phi3_tokenizer", "tokenizer_config.json");
        var cases = new java.util.LinkedHashMap<ChatTemplate, ChatTemplate.PromptCompletion>();
        cases.put(new ChatTemplate(LLAMA2, "<s>", "</s>"), new ChatTemplate.PromptCompletion("<s>[INST] Hi [/INST]", " Hello. </s>"));
        cases.put(new ChatTemplate(LLAMA3, "<|begin_of_text|>", "<|eot_id|>"), new ChatTemplate.PromptCompletion(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                "Hello.<|eot_id|>"));
        cases.put(new ChatTemplate(MISTRAL, "<s>", "</s>"), new ChatTemplate.PromptCompletion("<s>[INST] Hi [/INST]", "Hello.</s>"));
        cases.put(new ChatTemplate(CHATML, "", "<|im_end|>"), new ChatTemplate.PromptCompletion(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                "Hello.<|im_end|>\n"));
        cases.put(ChatTemplate.fromTokenizerConfig(phi3, new ObjectMapper().readTree(phi3.toFile())),
                new ChatTemplate.PromptCompletion("<|user|>\nHi<|end|>\n<|assistant|>\n", "Hello.<|end|>\n"));
        cases.put(ChatTemplate.plain(), new ChatTemplate.PromptCompletion("Hi", "\nHello."));
        cases.forEach((template, expected) -> assertEquals(expected, template.promptCompletion(prompt, "Hello.")));
        String noPrefix = "{{ 'A' if add_generation_prompt else 'B' }}{{ messages[-1]['content'] }}";
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate(noPrefix, "", "").promptCompletion(prompt, "Hello."));
        assertTrue(e.getMessage().contains("cannot be told apart"), e.getMessage());
    }

    @Test
    void tojsonWritesPythonStyleJson() {
        var t = new ChatTemplate("{{ messages[0] | tojson }}", "", "");
        assertEquals("{\"role\": \"user\", \"content\": \"Hi \\\"there\\\" ☃\"}",
                t.render(List.of(ChatMessage.user("Hi \"there\" ☃")), false));
    }

    @Test
    void plainFallbackJoinsContents() {
        assertEquals("You are terse.\n\nHi there \n\nHello.\n\nHow are you?", ChatTemplate.plain().render(CONVERSATION, true));
        assertTrue(ChatTemplate.plain().isPlain());
    }

    @Test
    void hostileTemplatesFailFastAndClearly() {
        String huge = "{% for a in range(1000) %}{% for b in range(1000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }}{% endfor %}{% endfor %}";
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate(huge, "", "").render(NO_SYSTEM, false));
        String recursive = "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}";
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate(recursive, "", "").render(NO_SYSTEM, false));
        String include = "{% include '/etc/passwd' %}";
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> new ChatTemplate(include, "", "").render(NO_SYSTEM, false));
        assertTrue(e.getMessage().contains("may not read files") || e.getMessage().contains("/etc/passwd"), e.getMessage());
        String slow = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}";
        long start = System.nanoTime();
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate(slow, "", "").render(NO_SYSTEM, false));
        assertTrue((System.nanoTime() - start) / 1e9 < ChatTemplate.TIMEOUT_SECONDS + 2, "stopped at the time limit");
    }

    @Test
    void aRangeBeyondTheLimitIsAnErrorNotASilentCut() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate("{% for i in range(100000000) %}{% endfor %}x", "", "").render(NO_SYSTEM, false));
        assertTrue(e.getMessage().contains("range() of 100000000 values"), e.getMessage());
        assertEquals("0,1,2|3,5,7|5,4,3", new ChatTemplate("{{ range(3)|join(',') }}|{{ range(3, 9, 2)|join(',') }}|{{ range(5, 2, -1)|join(',') }}", "", "")
                .render(NO_SYSTEM, false));
    }
}
