package io.github.mubench.eval.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns rows into items: strictly (the first bad row or duplicate id throws, naming file and line) or leniently
 * (bad rows and duplicates are skipped, each counted with its reason).
 */
final class Conversion<T extends Item> {
    private final boolean lenient;
    private final List<T> items = new ArrayList<>();
    private final List<Dataset.Skipped> skipped = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    Conversion(boolean lenient) {
        this.lenient = lenient;
    }

    /** Converts each row; a function returning {@code null} means "not an item" (e.g. a filtered-out split). */
    Conversion<T> add(List<Rows.Row> rows, Function<Rows.Row, T> convert) {
        for (Rows.Row row : rows) {
            try {
                T item = convert.apply(row);
                if (item == null) {
                    continue;
                }
                if (!ids.add(item.id())) {
                    throw new DatasetException(row.file(), row.line(), "duplicate id '" + item.id() + "'");
                }
                items.add(item);
            } catch (DatasetException | IllegalArgumentException e) {
                if (!lenient) {
                    throw e instanceof DatasetException d ? d : new DatasetException(row.file(), row.line(), e.getMessage());
                }
                skipped.add(new Dataset.Skipped(row.file(), row.line(), e.getMessage()));
            }
        }
        return this;
    }

    Dataset<T> dataset(String name, String split) {
        if (items.isEmpty()) {
            throw new DatasetException(name, 0, "no usable rows" + (skipped.isEmpty() ? "" : "; " + skipped.size()
                    + " skipped, first: " + skipped.get(0).reason()));
        }
        return new Dataset<>(name, split, items, skipped);
    }
}
