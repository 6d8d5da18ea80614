package io.github.mubench.tensor.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ND4J model's cache: per layer, keys and values as {@code [B, kvHeads, capacity, headDim]} arrays. */
final class Nd4jKvCache extends KvCache {
    final INDArray[] keys;
    final INDArray[] values;

    Nd4jKvCache(LlamaConfig c, int batch, int capacity) {
        super(batch, capacity);
        keys = new INDArray[c.numLayers()];
        values = new INDArray[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            keys[l] = Nd4j.zeros(DataType.FLOAT, batch, c.numKvHeads(), capacity, c.headDim());
            values[l] = Nd4j.zeros(DataType.FLOAT, batch, c.numKvHeads(), capacity, c.headDim());
        }
    }
}
