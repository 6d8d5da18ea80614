package io.github.mubench.eval.data;

/**
 * A jailbreak prompt template (GPTFuzzer, DAN family, in-the-wild). The request goes where the template has
 * {@link #PLACEHOLDER}; a template without one is a preamble, and the request follows it on a new paragraph.
 *
 * @param source the collection it comes from
 */
public record JailbreakTemplate(String id, String source, String text) implements Item {
    /** Where a template wants the request (GPTFuzzer's marker). */
    public static final String PLACEHOLDER = "[INSERT PROMPT HERE]";

    /** The template with {@code request} put in its place. */
    public String apply(String request) {
        return text.contains(PLACEHOLDER) ? text.replace(PLACEHOLDER, request) : text + "\n\n" + request;
    }

    @Override
    public String prompt() {
        return text;
    }
}
