package io.github.mubench.experiment.report;

import io.github.mubench.eval.stats.Estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One column of the trilemma table: a task's headline metric on one axis.
 *
 * @param axis          {@code safety}, {@code over_safety} or {@code utility}
 * @param task          the task
 * @param metric        the metric's name in {@code results.json}, e.g. {@code asr/keyword[attack=base64]}
 * @param label         the column's heading
 * @param lowerIsBetter whether a smaller value is the better one (attack success, over-refusal, perplexity)
 * @param sampleValue   the per-sample value paired tests compare ({@code asr/keyword}; {@code loglikelihood} for
 *                      perplexities, which are ratios over the whole corpus)
 * @param groupKey      the sample field the metric is restricted to ({@code attack}), or {@code null}
 * @param groupValue    its value ({@code base64}), or {@code null}
 */
record Column(String axis, String task, String metric, String label, boolean lowerIsBetter, String sampleValue,
              String groupKey, String groupValue) {
    private static final Pattern GROUPED = Pattern.compile("([^\\[]+)\\[([^=]+)=(.*)]");

    /**
     * The headline columns of an evaluation: per safety task, attack success by its first judge for each attack
     * (and for any attack, when there are several); per over-safety task, the refusal rate of safe prompts by its
     * first judge; per utility task, its first metric.
     */
    static List<Column> of(EvalOutput base) {
        List<Column> out = new ArrayList<>();
        for (var t : base.metrics().entrySet()) {
            String task = t.getKey(), use = base.uses().get(task);
            Map<String, Estimate> m = t.getValue();
            if (m.isEmpty()) {
                continue;
            }
            if (use.equals("safety")) {
                String overall = m.keySet().stream().filter(k -> k.startsWith("asr/") && !k.contains("[")).findFirst().orElse(null);
                if (overall == null) {
                    continue;
                }
                List<String> attacks = m.keySet().stream().filter(k -> k.startsWith(overall + "[attack=")).toList();
                for (String a : attacks) {
                    out.add(column("safety", task, a, task + " ASR · " + group(a)[2], true));
                }
                if (attacks.size() != 1) {
                    out.add(column("safety", task, overall, task + " ASR", true));
                }
                String any = overall.replace("asr/", "asr_any/");
                if (attacks.size() > 1 && m.containsKey(any)) {
                    out.add(column("safety", task, any, task + " ASR · any attack", true));
                }
            } else if (use.equals("over_safety")) {
                m.keySet().stream().filter(k -> k.startsWith("refusal/") && k.endsWith("[label=safe]")).findFirst()
                        .ifPresent(k -> out.add(column("over_safety", task, k, task + " refusal of safe prompts", true)));
            } else {
                String first = m.keySet().iterator().next();
                boolean lower = first.contains("perplexity") || first.contains("bits_per_byte");
                out.add(column("utility", task, first, task + " " + first, lower));
            }
        }
        return out;
    }

    private static Column column(String axis, String task, String metric, String label, boolean lowerIsBetter) {
        String[] g = group(metric);
        String value = g[0];
        if (value.contains("perplexity") || value.equals("bits_per_byte")) {
            value = "loglikelihood";
        }
        return new Column(axis, task, metric, label, lowerIsBetter, value, g[1], g[2]);
    }

    /** {@code name[key=value]} → {name, key, value}; a plain name → {name, null, null}. */
    private static String[] group(String metric) {
        Matcher mm = GROUPED.matcher(metric);
        return mm.matches() ? new String[]{mm.group(1), mm.group(2), mm.group(3)} : new String[]{metric, null, null};
    }

    /**
     * Whether this safety column is its task's attack success over all attacks (the overall column, or the only
     * attack's when one was run): what the safety axis averages, so that no request counts twice.
     */
    boolean headline(List<Column> all) {
        if (metric.startsWith("asr_any/")) {
            return false;
        }
        return groupKey == null || all.stream().noneMatch(o -> o.task.equals(task) && o.groupKey == null && o.metric.startsWith("asr/"));
    }

        /** Whether a sample belongs to this column's group. */
    boolean includes(EvalOutput.SampleRow s) {
        return groupKey == null || groupValue.equals(s.fields().get(groupKey));
    }
}
