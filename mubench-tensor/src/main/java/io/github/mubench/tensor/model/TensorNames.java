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

    /**
     * The decoder layer a tensor belongs to ({@code model.layers.N.…} → N), or -1 for a tensor outside the layers.
     */
    public static int layerOf(String name) {
        if (!name.startsWith("model.layers.")) {
            return -1;
        }
        int from = "model.layers.".length(), to = name.indexOf('.', from);
        try {
            return to < 0 ? -1 : Integer.parseInt(name.substring(from, to));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether the architecture of {@code c} reads tensor {@code name} (decided from the name, without listing every
     * layer's tensors: a hostile config may claim billions of layers).
     */
    public static boolean expects(LlamaConfig c, String name) {
        if (name.equals(EMBED) || name.equals(FINAL_NORM)) {
            return true;
        }
        if (name.equals(LM_HEAD)) {
            return !c.tieWordEmbeddings();
        }
        int layer = layerOf(name);
        if (layer < 0 || layer >= c.numLayers()) {
            return false;
        }
        String part = name.substring(layer(layer, "").length());
        if (part.equals(ATTN_NORM) || part.equals(MLP_NORM)) {
            return true;
        }
        for (String p : java.util.List.of(Q_PROJ, K_PROJ, V_PROJ, O_PROJ, GATE_PROJ, UP_PROJ, DOWN_PROJ)) {
            if (part.equals(weight(p))) {
                return true;
            }
        }
        return c.attentionBias() && (part.equals(bias(Q_PROJ)) || part.equals(bias(K_PROJ)) || part.equals(bias(V_PROJ)));
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
