package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The differences of params or metrics between two versions, as {@code dvc params diff} and {@code dvc metrics diff}
 * report them: per file and flattened key, the old and new value (absent on the side that lacks it) and, when both
 * are numbers, {@code new - old}.
 *
 * @param kind what is compared: {@link Kind#PARAMS} tables have no Change column
 * @param oldName the first version's name ({@code HEAD} by default)
 * @param newName the second version's name ({@code workspace} by default)
 * @param entries sorted by path, then key
 */
public record ValueDiff(Kind kind, String oldName, String newName, List<Entry> entries) {
    /** Params or metrics. */
    public enum Kind {
        PARAMS("Param"),
        METRICS("Metric");

        private final String column;

        Kind(String column) {
            this.column = column;
        }

        /** The table's column of keys. */
        public String column() {
            return column;
        }
    }

    /**
     * One value that differs (or, with {@code --all}, not).
     *
     * @param oldValue a {@link Long}, {@link Double}, {@link String}, {@link Boolean} or {@link List}
     * @param change {@code new - old} when both are numbers: a {@link Long} when both are integers, else a
     *     {@link Double}
     */
    public record Entry(String path, String key, Optional<Object> oldValue, Optional<Object> newValue,
            Optional<Number> change) {
        public Entry {
            requireNonNull(path, "path is null");
            requireNonNull(key, "key is null");
            requireNonNull(oldValue, "oldValue is null");
            requireNonNull(newValue, "newValue is null");
            requireNonNull(change, "change is null");
        }

        /** An entry with its change computed from the two values. */
        public static Entry of(String path, String key, Optional<Object> oldValue, Optional<Object> newValue) {
            Optional<Number> change = Optional.empty();
            if (oldValue.orElse(null) instanceof Number before && newValue.orElse(null) instanceof Number after) {
                change = Optional.of(before instanceof Long a && after instanceof Long b
                        ? (Number) (b - a) : (Number) (after.doubleValue() - before.doubleValue()));
            }
            return new Entry(path, key, oldValue, newValue, change);
        }
    }

    public ValueDiff {
        requireNonNull(kind, "kind is null");
        requireNonNull(oldName, "oldName is null");
        requireNonNull(newName, "newName is null");
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** DVC's {@code --json}: {@code {path: {key: {"old": x, "new": y, "diff": d}}}}, a missing side as null. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Entry entry : entries) {
            ObjectNode file = root.has(entry.path()) ? (ObjectNode) root.get(entry.path()) : root.putObject(entry.path());
            ObjectNode values = file.putObject(entry.key());
            values.set("old", JsonValues.of(entry.oldValue().orElse(null)));
            values.set("new", JsonValues.of(entry.newValue().orElse(null)));
            entry.change().ifPresent(change -> values.set("diff", JsonValues.of(change)));
        }
        return root;
    }

    /** The table's header: Path, Param|Metric, the two version names, and Change for metrics. */
    public List<String> header() {
        List<String> header = new ArrayList<>(List.of("Path", kind.column(), oldName, newName));
        if (kind == Kind.METRICS) {
            header.add("Change");
        }
        return List.copyOf(header);
    }

    /**
     * The table's rows, values as DVC prints them: metrics rounded to {@code precision} decimal places (params are
     * never rounded), {@code -} for a missing value or change.
     */
    public List<List<String>> rows(int precision) {
        int digits = kind == Kind.METRICS ? precision : -1;
        List<List<String>> rows = new ArrayList<>();
        for (Entry entry : entries) {
            List<String> row = new ArrayList<>(List.of(entry.path(), entry.key(),
                    DisplayValues.format(entry.oldValue().orElse(null), digits),
                    DisplayValues.format(entry.newValue().orElse(null), digits)));
            if (kind == Kind.METRICS) {
                row.add(DisplayValues.format(entry.change().map(JsonValues::asJavaValue).orElse(null), digits));
            }
            rows.add(List.copyOf(row));
        }
        return List.copyOf(rows);
    }

    /**
     * DVC's {@code --md}: a GitHub pipe table of {@link #header()} and {@link #rows(int)}, one line per row, ending in
     * a line break; only the header when nothing differs. This is what a CI report embeds.
     */
    public String toMarkdown(int precision) {
        return MarkdownTable.of(header(), rows(precision));
    }

    /** {@link #toMarkdown(int)} with DVC's default precision. */
    public String toMarkdown() {
        return toMarkdown(DisplayValues.DEFAULT_PRECISION);
    }

    /** JSON nodes from report values. */
    static final class JsonValues {
        private JsonValues() {}

        static JsonNode of(Object value) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            if (value == null) {
                return nodes.nullNode();
            }
            if (value instanceof Long number) {
                return nodes.numberNode(number);
            }
            if (value instanceof Number number) {
                return nodes.numberNode(number.doubleValue());
            }
            if (value instanceof Boolean flag) {
                return nodes.booleanNode(flag);
            }
            if (value instanceof List<?> list) {
                var array = nodes.arrayNode();
                list.forEach(item -> array.add(of(item)));
                return array;
            }
            return nodes.textNode(value.toString());
        }

        static Object asJavaValue(Number number) {
            return number instanceof Long ? number : (Object) number.doubleValue();
        }
    }
}
