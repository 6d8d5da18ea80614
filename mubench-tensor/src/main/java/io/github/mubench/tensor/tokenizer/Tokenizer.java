package io.github.mubench.tensor.tokenizer;

/** Text ↔ token ids for one model. */
public interface Tokenizer {

    /**
     * Token ids of {@code text}.
     *
     * @param addSpecialTokens whether to add what the model expects around a sequence (BOS for Llama-style models)
     */
    int[] encode(String text, boolean addSpecialTokens);

    /**
     * The text of {@code ids}.
     *
     * @param skipSpecialTokens whether BOS/EOS and other control tokens are left out
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** {@link #encode} of each text, in order. */
    default java.util.List<int[]> encodeBatch(java.util.List<String> texts, boolean addSpecialTokens) {
        return texts.stream().map(t -> encode(t, addSpecialTokens)).toList();
    }

    /** Number of ids this tokenizer can produce. */
    int vocabSize();

    /** The beginning-of-sequence id, or -1 if the tokenizer has none. */
    int bosId();
}
