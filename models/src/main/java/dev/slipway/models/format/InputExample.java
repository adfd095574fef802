package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A few input rows saved beside a model, in pandas' split orient: {@code {"columns": [...],
 * "data": [[...], ...]}}. Values are strings, numbers, booleans or null (a missing value; NaN is
 * written as null because JSON has no NaN).
 */
public record InputExample(List<String> columns, List<List<Object>> rows) {
    public InputExample {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(rows, "rows is null");
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : rows) {
            requireNonNull(row, "row is null");
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(
                        "input example row has %d values for %d columns".formatted(row.size(), columns.size()));
            }
            List<Object> values = new ArrayList<>();
            for (Object value : row) {
                if (value != null && !(value instanceof String) && !(value instanceof Number)
                        && !(value instanceof Boolean)) {
                    throw new IllegalArgumentException("unsupported input example value: " + value);
                }
                boolean nan = value instanceof Double d && (d.isNaN() || d.isInfinite())
                        || value instanceof Float f && (f.isNaN() || f.isInfinite());
                values.add(nan ? null : value);
            }
            copy.add(Collections.unmodifiableList(values));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
