package io.github.mubench.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mubench.eval.attack.Attack;
import io.github.mubench.eval.attack.AttackedPrompt;
import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.eval.attack.Translation;
import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.store.Keys;
import io.github.mubench.eval.store.ResultStore;
import io.github.mubench.eval.task.TaskContext;
import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.remote.OpenAiClient;
import io.github.mubench.tensor.param.Parameters;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attacks and answer decoding through the results store: an attacked prompt is keyed by the attack, its settings
 * and seed, the item's content (and target) and, for attacks that use models, their fingerprints; each is stored as
 * soon as it is made, so a slow search (GCG, PAIR) is never redone. Answers of the translation attack are translated
 * back by its translator, and stored likewise.
 */
final class StoredAttacks implements TaskContext.Attacks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultStore store;
    private final LoadedModel target, attacker;
    private final String targetPrint, attackerPrint;
    private final OpenAiClient attackerEndpoint;
    private final long seed;
    private final Map<String, Attack> made = new HashMap<>();

    StoredAttacks(ResultStore store, LoadedModel target, String targetPrint, LoadedModel attacker, OpenAiClient attackerEndpoint,
                  String attackerPrint, long seed) {
        this.attackerEndpoint = attackerEndpoint;
        this.store = store;
        this.target = target;
        this.targetPrint = targetPrint;
        this.attacker = attacker;
        this.attackerPrint = attackerPrint;
        this.seed = seed;
    }

    private static Map<String, String> values(String preset, Attacks.Entry e) {
        return preset != null && e.presets().containsKey(preset) ? Map.of(Attacks.PRESET, preset) : Map.of();
    }

    @Override
    public AttackedPrompt attack(String attack, String preset, HarmfulPrompt item) {
        Attacks.Entry e = Attacks.entry(attack);
        Map<String, String> values = values(preset, e);
        Map<String, Object> settings = new LinkedHashMap<>(Parameters.values(e.settings(values)));
        String key = Keys.of("attack", attack, settings, seed, e.needsModel() ? targetPrint : null,
                e.needsModel() ? attackerPrint : null, item.contentHash(), item.target());
        String stored = store.get(key);
        if (stored != null) {
            return read(stored);
        }
        Attack a = made.computeIfAbsent(attack + "|" + preset, k -> e.create(values, new Attacks.Context(target, attacker, attackerEndpoint, seed)));
        AttackedPrompt out = a.attack(item);
        store.put("attack", Map.of(key, write(out)));
        return out;
    }

    @Override
    public String decode(AttackedPrompt prompt, String response) {
        if (!prompt.decoding().startsWith("translate_from:")) {
            return prompt.decode(response);
        }
        String key = Keys.of("decode", prompt.decoding(), prompt.parameters(), attackerPrint != null ? attackerPrint : targetPrint, response);
        String stored = store.get(key);
        if (stored != null) {
            return read(stored, String.class);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        prompt.parameters().forEach((k, v) -> settings.put(k, String.valueOf(v))); // the forward translation's own settings
        Attack a = made.computeIfAbsent("translation|" + settings, k -> Attacks.entry("translation")
                .create(settings, new Attacks.Context(target, attacker, attackerEndpoint, seed)));
        String back = ((Translation) a).translateBack(response);
        store.put("decode", Map.of(key, write(back)));
        return back;
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttackedPrompt read(String json) {
        return read(json, AttackedPrompt.class);
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored value is not readable: " + e.getMessage(), e);
        }
    }
}
