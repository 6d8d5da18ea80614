package io.github.mubench.eval.attack;

import java.util.Map;

/**
 * A harmful request as an attack rewrote it: what to send, and how to read the answer.
 *
 * @param itemId     the dataset item attacked
 * @param attack     the attack's name
 * @param parameters the attack's parameters (budgets, template id, cipher, seed, ...)
 * @param system     a system prompt to send with it, or {@code null}
 * @param prompt     the user prompt to send
 * @param decoding   how to decode the model's answer before judging: an {@link Encoding} name ({@code none} for
 *                   plain text), or {@code translate_from:LANGUAGE}
 */
public record AttackedPrompt(String itemId, String attack, Map<String, Object> parameters, String system, String prompt,
                             String decoding) {
    public AttackedPrompt {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters)); // keeps their order
    }

    /** The model's answer as the judge should read it (decoded from the attack's encoding, if any). */
    public String decode(String response) {
        if (decoding.startsWith("translate_from:")) {
            throw new IllegalStateException("answers to the translation attack are translated back by Translation.translateBack "
                    + "(it needs the translator model)");
        }
        return Encoding.byName(decoding).decode(response);
    }
}
