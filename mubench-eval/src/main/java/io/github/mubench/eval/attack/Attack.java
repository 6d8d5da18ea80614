package io.github.mubench.eval.attack;

import io.github.mubench.eval.data.HarmfulPrompt;

import java.util.Map;

/**
 * A jailbreak attack: rewrites a harmful request into the prompt sent to the target. Deterministic given its
 * parameters (which include any seed); every attacked prompt records the attack's name and parameters.
 */
public interface Attack {
    /** Name, as the CLI spells it. */
    String name();

    /** The parameters that, with the name, reproduce this attack. */
    Map<String, Object> parameters();

    /** The attacked form of {@code item}'s request. */
    AttackedPrompt attack(HarmfulPrompt item);

    /** An attacked prompt of this attack with no system prompt and no decoding. */
    default AttackedPrompt prompt(HarmfulPrompt item, String prompt) {
        return new AttackedPrompt(item.id(), name(), parameters(), null, prompt, "none");
    }
}
