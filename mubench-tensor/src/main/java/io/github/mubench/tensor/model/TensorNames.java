package io.github.mubench.tensor.model;

/**
 * The one internal layout's tensor names (Hugging Face's Llama names): every loader converts to these, and the
 * model, the training graph and the methods address weights through them.
 */
public final class TensorNames {
    /** Token embeddings {@code [vocab, d]}. */
    public static final String EMBED = "model.embed_tokens.weight";
    /** Final RMSNorm gain {@code [d]}. */
    public static final String FINAL_NORM = "model.norm.weight";
    /** Output projection {@code [vocab, d]} (absent when tied to the embeddings). */
    public static final String LM_HEAD = "lm_head.weight";

    /** Per-layer RMSNorm gains, relative to {@link #layer}. */
    public static final String ATTN_NORM = "input_layernorm.weight", MLP_NORM = "post_attention_layernorm.weight";
    /** Per-layer projections, relative to {@link #layer}; their tensors are {@link #weight} and {@link #bias}. */
    public static final String Q_PROJ = "self_attn.q_proj", K_PROJ = "self_attn.k_proj", V_PROJ = "self_attn.v_proj",
            O_PROJ = "self_attn.o_proj", GATE_PROJ = "mlp.gate_proj", UP_PROJ = "mlp.up_proj", DOWN_PROJ = "mlp.down_proj";

    private TensorNames() {
    }

    /** {@code part} of decoder layer {@code layer}, e.g. {@code model.layers.3.mlp.down_proj}. */
    public static String layer(int layer, String part) {
        return "model.layers." + layer + "." + part;
    }

    /** The weight tensor of a projection. */
    public static String weight(String projection) {
        return projection + ".weight";
    }

    /** The bias tensor of a projection. */
    public static String bias(String projection) {
        return projection + ".bias";
    }
}
