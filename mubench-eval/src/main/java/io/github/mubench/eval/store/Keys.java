package io.github.mubench.eval.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content keys: SHA-256 of the canonical JSON of everything that determines a stored value (maps with sorted keys),
 * so equal inputs find the same value and a changed setting misses only what it determines.
 */
public final class Keys {
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Keys() {
    }

    /** The key of {@code parts} (any JSON-serialisable values, in order). */
    public static String of(Object... parts) {
        try {
            return sha256(CANONICAL.writeValueAsString(parts));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("key parts must be JSON-serialisable", e);
        }
    }

    /** Hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String s) {
        return hex(s.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
