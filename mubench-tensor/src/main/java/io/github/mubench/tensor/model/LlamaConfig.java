package io.github.mubench.tensor.model;

import java.util.List;

/**
 * Hyper-parameters of a Llama-family decoder (Llama 1/2/3, Mistral, Qwen2), named as in HF {@code config.json}.
 *
 * @param modelType             {@code llama}, {@code mistral} or {@code qwen2}
 * @param vocabSize             number of token embeddings
 * @param hiddenSize            residual-stream width d
 * @param intermediateSize      MLP width
 * @param numLayers             decoder blocks
 * @param numHeads              query heads
 * @param numKvHeads            key/value heads (GQA when fewer than {@code numHeads})
 * @param headDim               per-head width (usually {@code hiddenSize / numHeads})
 * @param rmsNormEps            RMSNorm epsilon
 * @param ropeTheta             RoPE base
 * @param ropeScaling           RoPE scaling, or {@code null}
 * @param maxPositionEmbeddings longest context the model was trained for
 * @param tieWordEmbeddings     whether the LM head reuses the token embedding
 * @param attentionBias         whether q/k/v projections have a bias (Qwen2)
 * @param slidingWindow         attention window in tokens, or {@code null} for full causal attention
 * @param bosTokenId            beginning-of-sequence id, or -1
 * @param eosTokenIds           end-of-sequence ids (may be several, as in Llama-3)
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                          int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, int maxPositionEmbeddings, boolean tieWordEmbeddings,
                          boolean attentionBias, Integer slidingWindow, int bosTokenId, List<Integer> eosTokenIds) {

    /** The {@code model_type} values this runtime implements. */
    public static final List<String> SUPPORTED_MODEL_TYPES = List.of("llama", "mistral", "qwen2");

    public LlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** This config with other end-of-sequence ids (llama2.c models, for one, end stories with BOS). */
    public LlamaConfig withEosTokenIds(List<Integer> ids) {
        return new LlamaConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, ropeScaling, maxPositionEmbeddings, tieWordEmbeddings, attentionBias,
                slidingWindow, bosTokenId, ids);
    }

    /** Query heads served by each key/value head. */
    public int kvGroups() {
        return numHeads / numKvHeads;
    }

    /** Total parameter count, the embedding and (untied) LM head included. */
    public long parameterCount() {
        long d = hiddenSize, q = (long) numHeads * headDim, kv = (long) numKvHeads * headDim;
        long attn = d * q + 2 * d * kv + q * d + (attentionBias ? q + 2 * kv : 0);
        long mlp = 3 * d * intermediateSize;
        long perLayer = attn + mlp + 2 * d;
        long embed = (long) vocabSize * d;
        return embed + (tieWordEmbeddings ? 0 : embed) + numLayers * perLayer + d;
    }
}
