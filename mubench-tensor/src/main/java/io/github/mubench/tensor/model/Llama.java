package io.github.mubench.tensor.model;

import io.github.mubench.tensor.Nd4jRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * The Llama-family decoder for inference: eager ND4J ops over a {@link KvCache}, so each new token costs one
 * position of work. Reads top to bottom: embed → blocks → final norm → LM head.
 * <p>
 * The trainable twin of this model is {@code io.github.mubench.tensor.graph.LlamaGraph}; tests hold the two to the
 * same logits.
 */
public final class Llama implements LanguageModel {
    private final LlamaConfig config;
    private final INDArray embed;
    private final List<DecoderBlock> blocks = new ArrayList<>();
    private final RmsNorm finalNorm;
    private final INDArray lmHead;
    private final Rope rope;

    /** Builds the model over a checkpoint's weights (no copies are made). */
    public Llama(Checkpoint checkpoint) {
        Nd4jRuntime.configure();
        this.config = checkpoint.config();
        ModelWeights w = checkpoint.weights();
        LlamaConfig c = config;
        embed = w.get(TensorNames.EMBED, c.vocabSize(), c.hiddenSize());
        for (int l = 0; l < c.numLayers(); l++) {
            blocks.add(new DecoderBlock(c, w, l));
        }
        finalNorm = new RmsNorm(w.get(TensorNames.FINAL_NORM, c.hiddenSize()), c.rmsNormEps());
        lmHead = c.tieWordEmbeddings() ? embed : w.get(TensorNames.LM_HEAD, c.vocabSize(), c.hiddenSize());
        rope = new Rope(c);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public KvCache newCache(int batch, int capacity) {
        return new Nd4jKvCache(config, batch, capacity);
    }

    @Override
    public INDArray forward(int[][] tokens, boolean[][] valid, KvCache cache, boolean lastOnly) {
        INDArray logits = forwardLast(tokens, valid, cache, lastOnly ? 1 : tokens[0].length);
        return lastOnly ? logits.reshape('c', tokens.length, config.vocabSize()) : logits;
    }

    @Override
    public INDArray forwardLast(int[][] tokens, boolean[][] valid, KvCache cache, int last) {
        int batch = tokens.length, time = tokens[0].length, d = config.hiddenSize();
        LanguageModel.checkLast(last, time);
        if (batch != cache.batch()) {
            throw new IllegalArgumentException("batch " + batch + " does not match the cache's " + cache.batch());
        }
        if (!(cache instanceof Nd4jKvCache own)) {
            throw new IllegalArgumentException("this cache was made by another model; use this model's newCache");
        }
        int[] flat = LanguageModel.flatIds(tokens, config.vocabSize());
        int[][] positions = cache.append(valid);
        INDArray[] cosSin = rope.tables(positions);
        INDArray mask = AttentionMask.of(cache.validSlots, cache.length(), time, config.slidingWindow());

        INDArray x = Nd4j.pullRows(embed, 1, flat);
        for (DecoderBlock block : blocks) {
            x = block.forward(x, batch, time, cosSin[0], cosSin[1], mask, own);
        }
        if (last < time) {
            x = x.reshape('c', batch, time, d).get(NDArrayIndex.all(), NDArrayIndex.interval(time - last, time), NDArrayIndex.all())
                    .dup('c').reshape('c', (long) batch * last, d);
        }
        return Linear.apply(finalNorm.forward(x), lmHead).reshape('c', batch, last, config.vocabSize());
    }
}
