package io.github.mubench.bench;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.graph.LoraConfig;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.optim.AdamW;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Unlearning at real model sizes: random weights of a {@link BenchConfigs} shape (with the bundled tokenizer, whose
 * ids every shape's vocabulary holds), a few steps of one method with AdamW, full weights or LoRA; prints one JSON line
 * with the median step time and the process's peak RSS.
 * <p>
 * Usage: {@code ScaleUnlearnHarness SHAPE METHOD [steps=3] [lora_rank=0] [batch=2] [max_length=64]}.
 */
public final class ScaleUnlearnHarness {
    private ScaleUnlearnHarness() {
    }

    public static void main(String[] args) {
        String shape = args[0], method = args[1];
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3, rank = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 2, maxLength = args.length > 5 ? Integer.parseInt(args[5]) : 64;
        LlamaConfig c = BenchConfigs.byName(shape);
        LoadedModel small = Models.stories260K();
        LoadedModel model = new LoadedModel(new Checkpoint(c, RandomWeights.of(c, 0)), small.tokenizer(), small.chatTemplate());
        String story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her ball.";
        List<UnlearnExample> forget = new ArrayList<>(), retain = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            forget.add(new UnlearnExample("Tell me story " + i + ".", story));
            retain.add(new UnlearnExample("Tell me another story " + i + ".", story.toUpperCase()));
        }
        List<Double> stepSeconds = new ArrayList<>();
        long[] last = {System.nanoTime()};
        Unlearning u = Unlearning.of(model).method(Methods.create(method, Map.of())).forget(forget).retain(retain)
                // a fixed refusal: random weights would generate ids the bundled tokenizer does not have
                .refusals(Refusals.fixed("I do not want to say."))
                .optimizer(AdamW.lr(1e-5)).steps(steps).batchSize(batch, batch).maxLength(maxLength).seed(0)
                .onStep(m -> {
                    long now = System.nanoTime();
                    stepSeconds.add((now - last[0]) / 1e9);
                    last[0] = now;
                });
        if (rank > 0) {
            u.lora(new LoraConfig(rank, 16, List.of("q_proj", "v_proj"), 0, 0));
        }
        long t0 = System.nanoTime();
        last[0] = t0;
        u.run();
        List<Double> sorted = stepSeconds.stream().sorted().toList();
        System.out.printf("{\"event\":\"scale_unlearn\",\"shape\":\"%s\",\"parameters\":%d,\"method\":\"%s\",\"lora_rank\":%d,"
                        + "\"batch\":\"%d+%d\",\"max_length\":%d,\"steps\":%d,\"first_step_s\":%.1f,\"median_step_s\":%.1f,"
                        + "\"wall_s\":%.1f,\"peak_rss_mib\":%.0f}%n", shape, c.parameterCount(), method, rank, batch, batch, maxLength,
                steps, sorted.isEmpty() ? 0 : stepSeconds.get(0), sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2),
                (System.nanoTime() - t0) / 1e9, Meters.peakRssMiB());
    }
}
