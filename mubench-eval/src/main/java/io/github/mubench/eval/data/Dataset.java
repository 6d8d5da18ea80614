package io.github.mubench.eval.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A loaded dataset: its items in source order, and the rows a lenient load skipped (with why).
 *
 * @param name    registry name (e.g. {@code advbench}) or the format a user file was read as
 * @param split   the split loaded (e.g. {@code test})
 * @param items   the items; ids are unique
 * @param skipped rows left out by a lenient load (a strict load throws instead)
 */
public record Dataset<T extends Item>(String name, String split, List<T> items, List<Skipped> skipped) {
    /** A row a lenient load left out. */
    public record Skipped(String file, long line, String reason) {
    }

    public Dataset {
        items = List.copyOf(items);
        skipped = List.copyOf(skipped);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Integer before = seen.put(items.get(i).id(), i);
            if (before != null) {
                throw new IllegalArgumentException(name + ": duplicate id '" + items.get(i).id() + "' (items " + before + " and " + i + ")");
            }
        }
    }

    public int size() {
        return items.size();
    }

    /**
     * At most {@code n} items drawn at random (seeded), kept in source order; the same seed gives the same subset.
     * {@code n >= size()} returns this dataset.
     */
    public Dataset<T> limit(int n, long seed) {
        if (n >= items.size()) {
            return this;
        }
        List<Integer> order = shuffledIndices(items.size(), seed);
        List<Integer> keep = new ArrayList<>(order.subList(0, n));
        keep.sort(Comparator.naturalOrder());
        return new Dataset<>(name, split, keep.stream().map(items::get).toList(), skipped);
    }

    /**
     * At most {@code n} items drawn at random (seeded) so that each stratum (category, subject, ...) keeps its
     * share: stratum sizes are allotted by largest remainder, items within a stratum drawn at random; source order
     * is kept.
     */
    public Dataset<T> stratified(int n, long seed, Function<T, String> stratum) {
        if (n >= items.size()) {
            return this;
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            groups.computeIfAbsent(String.valueOf(stratum.apply(items.get(i))), k -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> quota = new LinkedHashMap<>();
        List<Map.Entry<String, Double>> remainders = new ArrayList<>();
        int given = 0;
        for (var g : groups.entrySet()) {
            double exact = (double) n * g.getValue().size() / items.size();
            quota.put(g.getKey(), (int) exact);
            given += (int) exact;
            remainders.add(Map.entry(g.getKey(), exact - (int) exact));
        }
        remainders.sort(Map.Entry.<String, Double>comparingByValue().reversed()); // stable: ties keep first-seen order
        for (int i = 0; given < n; i++, given++) {
            quota.merge(remainders.get(i).getKey(), 1, Integer::sum);
        }
        List<Integer> keep = new ArrayList<>();
        Random rnd = new Random(seed);
        for (var g : groups.entrySet()) {
            List<Integer> members = new ArrayList<>(g.getValue());
            java.util.Collections.shuffle(members, rnd);
            keep.addAll(members.subList(0, quota.get(g.getKey())));
        }
        keep.sort(Comparator.naturalOrder());
        return new Dataset<>(name, split, keep.stream().map(items::get).toList(), skipped);
    }

    /**
     * Two disjoint parts, drawn at random (seeded): {@code first} items and the rest, each in source order. Use it to
     * train on one part of a benchmark and evaluate on the other.
     */
    public List<Dataset<T>> partition(int first, long seed) {
        if (first < 0 || first > items.size()) {
            throw new IllegalArgumentException(name + ": cannot take " + first + " of " + items.size() + " items");
        }
        List<Integer> order = shuffledIndices(items.size(), seed);
        List<Integer> a = new ArrayList<>(order.subList(0, first)), b = new ArrayList<>(order.subList(first, items.size()));
        a.sort(Comparator.naturalOrder());
        b.sort(Comparator.naturalOrder());
        return List.of(new Dataset<>(name, split, a.stream().map(items::get).toList(), skipped),
                new Dataset<>(name, split, b.stream().map(items::get).toList(), skipped));
    }

    private static List<Integer> shuffledIndices(int n, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed));
        return order;
    }
}
