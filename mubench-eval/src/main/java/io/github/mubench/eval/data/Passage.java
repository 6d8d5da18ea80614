package io.github.mubench.eval.data;

/** Free text, for perplexity (a WikiText-2 article) or as a string to avoid emitting (AdvBench harmful strings). */
public record Passage(String id, String text) implements Item {
    @Override
    public String prompt() {
        return text;
    }
}
