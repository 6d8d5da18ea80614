package io.github.mubench.eval.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One dataset item: a stable id (unique within its dataset) and a hash of its content. */
public interface Item {
    /** Stable id: the source's own id where it has one, else the dataset name and row index. */
    String id();

    /** What the item asks the model: the text that must not be trained on when the item is evaluated. */
    String prompt();

    /** The text that identifies the item's content (what {@link #contentHash()} hashes); by default its prompt. */
    default String content() {
        return prompt();
    }

    /** SHA-256 of {@link #content()}, hex: equal for equal content, whichever dataset it came from. */
    default String contentHash() {
        return sha256(content());
    }

    /** Hex SHA-256 of a string's UTF-8 bytes. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
