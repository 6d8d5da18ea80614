package io.github.mubench.eval.attack;

import io.github.mubench.tensor.param.Param;
import io.github.mubench.tensor.param.Parameters;

import io.github.mubench.eval.data.HarmfulPrompt;
import io.github.mubench.eval.data.JailbreakTemplate;

import java.util.List;
import java.util.Map;

/**
 * Role-play templates (AIM, DAN, developer mode and the other GPTFuzzer / DAN / in-the-wild templates): a persona
 * prompt with the request put in. With several templates, each item gets one drawn by a seeded hash of its id, so
 * a run is reproducible item by item.
 *
 * @param templates the templates to draw from (one: always that one)
 * @param seed      seed of the draw
 */
public record RolePlay(String name, List<JailbreakTemplate> templates, long seed) implements Attack {
    /** Which template: an id of the template set, or {@code random} for one per item. */
    public record Choice(@Param(value = "random", doc = "template id, or random: one per item, by a seeded hash of its id") String template) {
    }

    public RolePlay {
        templates = List.copyOf(templates);
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("role-play attack '" + name + "' has no template");
        }
    }

    @Override
    public Map<String, Object> parameters() {
        return templates.size() == 1 ? Map.of("template", templates.get(0).id())
                : Map.of("templates", templates.size(), "seed", seed);
    }

    @Override
    public AttackedPrompt attack(HarmfulPrompt item) {
        JailbreakTemplate t = templates.get(Math.floorMod(java.util.Objects.hash(item.id(), seed), templates.size()));
        return new AttackedPrompt(item.id(), name, Map.of("template", t.id(), "seed", seed), null, t.apply(item.prompt()), "none");
    }
}
