package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Data quality of a window against its reference, from sketches: per column missing, type-violation, out-of-range and
 * unseen-category shares, plus the schema differences (columns the reference has and the window lacks, and values
 * that arrived under names the window's schema does not know).
 */
public record DataQualityReport(
        long rows, List<ColumnQuality> columns, List<String> missingFromCurrent, List<String> notInReference, Map<String, Long> unknownColumns) {
    static final int UNSEEN_EXAMPLES = 5;

    public DataQualityReport {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        missingFromCurrent = List.copyOf(requireNonNull(missingFromCurrent, "missingFromCurrent is null"));
        notInReference = List.copyOf(requireNonNull(notInReference, "notInReference is null"));
        unknownColumns = Map.copyOf(requireNonNull(unknownColumns, "unknownColumns is null"));
    }

    public static DataQualityReport compute(DatasetSketch reference, DatasetSketch current) {
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        List<ColumnQuality> columns = new ArrayList<>();
        List<String> notInReference = new ArrayList<>();
        for (ColumnSpec column : current.columns()) {
            Optional<ColumnSpec> referenceColumn = reference.column(column.name());
            if (referenceColumn.isEmpty() || referenceColumn.get().type() != column.type()) {
                notInReference.add(column.name());
                continue;
            }
            columns.add(switch (column.type()) {
                case NUMERIC -> numeric(column.name(), reference.numeric(column.name()), current.numeric(column.name()));
                case CATEGORICAL -> categorical(column.name(), reference.categorical(column.name()), current.categorical(column.name()));
            });
        }
        List<String> missingFromCurrent = reference.columns().stream()
                .map(ColumnSpec::name)
                .filter(name -> current.column(name).isEmpty())
                .toList();
        return new DataQualityReport(current.rows(), columns, missingFromCurrent, notInReference, current.unknownColumns());
    }

    static ColumnQuality numeric(String name, NumericSketch reference, NumericSketch current) {
        OptionalDouble refMin = reference.count() == 0 ? OptionalDouble.empty() : OptionalDouble.of(reference.min());
        OptionalDouble refMax = reference.count() == 0 ? OptionalDouble.empty() : OptionalDouble.of(reference.max());
        OptionalDouble outOfRange = reference.count() == 0 || current.count() == 0
                ? OptionalDouble.empty()
                : OptionalDouble.of((double) current.countOutside(reference.min(), reference.max()) / current.count());
        return new ColumnQuality(
                name,
                ColumnType.NUMERIC,
                current.rows(),
                share(current.missingCount(), current.rows()),
                share(reference.missingCount(), reference.rows()),
                current.invalidCount(),
                share(current.invalidCount(), current.rows()),
                share(reference.invalidCount(), reference.rows()),
                refMin,
                refMax,
                outOfRange,
                OptionalDouble.empty(),
                List.of(),
                false,
                reason(reference.count(), current.rows(), current.count()));
    }

    static ColumnQuality categorical(String name, FrequencySketch reference, FrequencySketch current) {
        long unseen = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Long> entry : current.counts().entrySet()) {
            if (reference.count(entry.getKey()) == 0) {
                unseen += entry.getValue();
                if (examples.size() < UNSEEN_EXAMPLES) {
                    examples.add(entry.getKey());
                }
            }
        }
        OptionalDouble unseenShare = reference.count() == 0 || current.count() == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) unseen / current.count());
        return new ColumnQuality(
                name,
                ColumnType.CATEGORICAL,
                current.rows(),
                share(current.missingCount(), current.rows()),
                share(reference.missingCount(), reference.rows()),
                current.invalidCount(),
                share(current.invalidCount(), current.rows()),
                share(reference.invalidCount(), reference.rows()),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                unseenShare,
                examples,
                reference.otherCount() > 0,
                reason(reference.count(), current.rows(), current.count()));
    }

    private static Optional<String> reason(long referenceValues, long currentRows, long currentValues) {
        if (currentRows == 0) {
            return Optional.of("current window is empty");
        }
        if (referenceValues == 0) {
            return Optional.of("reference values are all missing");
        }
        if (currentValues == 0) {
            return Optional.of("current values are all missing");
        }
        return Optional.empty();
    }

    private static OptionalDouble share(long part, long whole) {
        return whole == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) part / whole);
    }

    public Optional<ColumnQuality> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rows", rows);
        ArrayNode array = json.putArray("columns");
        columns.forEach(column -> array.add(column.toJson()));
        missingFromCurrent.forEach(json.putArray("missing_from_current")::add);
        notInReference.forEach(json.putArray("not_in_reference")::add);
        ObjectNode unknown = json.putObject("unknown_columns");
        unknownColumns.forEach(unknown::put);
        return json;
    }
}
