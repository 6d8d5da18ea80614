package io.github.mubench.eval.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.tensor.LoadedModel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * A model's identity for the results store: SHA-256 over its config, its chat template's source, its tokenizer's
 * behaviour (vocabulary size, BOS, and the ids of a fixed multilingual probe text with and without special tokens)
 * and, per tensor in name order, its name, shape and values: all of them for tensors up to {@value #FULL} elements,
 * else {@value #SAMPLED} evenly spaced ones
 * (hashing 14 GB on every run would cost minutes; a sampled tensor still changes its hash under any training step,
 * which moves every element, but an edit of a few single weights could go unseen). The same for a folder and for
 * the same weights in memory (an unlearned model before it is saved).
 */
public final class ModelFingerprint {
    static final long FULL = 1 << 20;
    static final int SAMPLED = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Text whose tokenization tells tokenizers apart: words, numbers, spacing, punctuation, several scripts, emoji. */
    private static final String PROBE = "Hello world! How's it going?  Numbers: 12345 3.14\n\tTabs & <special> \"quotes\" "
            + "Été naïve façade — Straße Привет мир 你好，世界 こんにちは 안녕하세요 مرحبا नमस्ते 🙂👍🏽 </s><|im_end|>";

    private ModelFingerprint() {
    }

    /** The fingerprint of {@code model}'s config and weights. */
    public static String of(LoadedModel model) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(JSON.writeValueAsBytes(model.checkpoint().config()));
            String template = model.chatTemplate().source();
            md.update((template == null ? "<plain>" : template).getBytes(StandardCharsets.UTF_8));
            if (model.tokenizer() != null) {
                var t = model.tokenizer();
                md.update((t.vocabSize() + " " + t.bosId() + " " + Arrays.toString(t.encode(PROBE, true))
                        + Arrays.toString(t.encode(PROBE, false))).getBytes(StandardCharsets.UTF_8));
            }
            var weights = model.checkpoint().weights();
            for (String name : new TreeSet<>(weights.names())) { // read in place: a 16-bit tensor is not upcast for this
                long[] shape = weights.shape(name);
                md.update(name.getBytes(StandardCharsets.UTF_8));
                md.update(Arrays.toString(shape).getBytes(StandardCharsets.UTF_8));
                long n = 1;
                for (long d : shape) {
                    n *= d;
                }
                float[] values = weights.sample(name, n <= FULL ? (int) n : SAMPLED);
                ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES);
                buf.asFloatBuffer().put(values);
                md.update(buf.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
