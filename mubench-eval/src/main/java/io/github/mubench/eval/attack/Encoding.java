package io.github.mubench.eval.attack;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Text encodings that cipher attacks ask the model to read and write; each decodes what it encodes. */
public enum Encoding {
    /** No encoding. */
    NONE,
    /** Base64 of the UTF-8 bytes. */
    BASE64,
    /** Caesar cipher, letters shifted by 3. */
    CAESAR,
    /** Atbash: a↔z, b↔y, ... */
    ATBASH,
    /** ROT13. */
    ROT13,
    /** International Morse code: letters by spaces, words by " / ". */
    MORSE,
    /** Leetspeak: a→4, e→3, i→1, o→0, s→5, t→7 (decoding maps them back; digits in the text become letters). */
    LEETSPEAK,
    /** Vowels removed (not decodable: decode returns the text as it is). */
    DISEMVOWEL;

    private static final String[] MORSE_CODES = {".-", "-...", "-.-.", "-..", ".", "..-.", "--.", "....", "..", ".---", "-.-",
            ".-..", "--", "-.", "---", ".--.", "--.-", ".-.", "...", "-", "..-", "...-", ".--", "-..-", "-.--", "--..",
            "-----", ".----", "..---", "...--", "....-", ".....", "-....", "--...", "---..", "----."};
    private static final Map<String, Character> FROM_MORSE = new HashMap<>();
    private static final String LEET_FROM = "aeiost", LEET_TO = "431057";

    static {
        for (int i = 0; i < MORSE_CODES.length; i++) {
            FROM_MORSE.put(MORSE_CODES[i], i < 26 ? (char) ('a' + i) : (char) ('0' + i - 26));
        }
    }

    /** The encoding named (case-insensitive). */
    public static Encoding byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown encoding '" + name + "'; known: " + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    /** Lower-case name, as recorded in attacked prompts. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String encode(String text) {
        return switch (this) {
            case NONE -> text;
            case BASE64 -> Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            case CAESAR -> shift(text, 3);
            case ATBASH -> atbash(text);
            case ROT13 -> shift(text, 13);
            case MORSE -> toMorse(text);
            case LEETSPEAK -> map(text.toLowerCase(Locale.ROOT), LEET_FROM, LEET_TO);
            case DISEMVOWEL -> text.replaceAll("[aeiouAEIOU]", "");
        };
    }

    /** Decodes an answer; text that is not valid in the encoding (a model's imperfect Base64, say) is kept as it is. */
    public String decode(String text) {
        return switch (this) {
            case NONE, DISEMVOWEL -> text;
            case BASE64 -> fromBase64(text);
            case CAESAR -> shift(text, 23);
            case ATBASH -> atbash(text);
            case ROT13 -> shift(text, 13);
            case MORSE -> fromMorse(text);
            case LEETSPEAK -> map(text, LEET_TO, LEET_FROM);
        };
    }

    private static String shift(String text, int by) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                out.append((char) ('a' + (c - 'a' + by) % 26));
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) ('A' + (c - 'A' + by) % 26));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String atbash(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 'a' && c <= 'z' ? (char) ('z' - (c - 'a')) : c >= 'A' && c <= 'Z' ? (char) ('Z' - (c - 'A')) : c);
        }
        return out.toString();
    }

    private static String map(String text, String from, String to) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            int i = from.indexOf(c);
            out.append(i >= 0 ? to.charAt(i) : c);
        }
        return out.toString();
    }

    private static String toMorse(String text) {
        StringBuilder out = new StringBuilder();
        for (String word : text.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
            if (out.length() > 0) {
                out.append(" / ");
            }
            StringBuilder w = new StringBuilder();
            for (char c : word.toCharArray()) {
                String code = c >= 'a' && c <= 'z' ? MORSE_CODES[c - 'a'] : c >= '0' && c <= '9' ? MORSE_CODES[26 + c - '0'] : null;
                if (code != null) {
                    w.append(w.length() > 0 ? " " : "").append(code);
                }
            }
            out.append(w);
        }
        return out.toString();
    }

    private static String fromMorse(String text) {
        StringBuilder out = new StringBuilder();
        for (String word : text.trim().split("\\s*/\\s*")) {
            if (out.length() > 0) {
                out.append(' ');
            }
            for (String code : word.trim().split("\\s+")) {
                Character c = FROM_MORSE.get(code);
                if (c != null) {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static String fromBase64(String text) {
        try {
            return new String(Base64.getDecoder().decode(text.strip().replaceAll("\\s+", "")), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
