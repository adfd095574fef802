package dev.slipway.models.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Optional;

/**
 * A row of text values with its column names, for rows that do not come from a CSV file (for
 * example a record of a JSON request). Numbers are parsed as {@link CsvReader} parses them.
 *
 * @param source names the data in error messages, e.g. "request body"
 * @param rowNumber 1-based number of the row in its source
 * @param columns the column names
 * @param values the cells, one per column; "" is a missing value
 */
public record TextRow(String source, long rowNumber, List<String> columns, List<String> values) implements RowValues {
    public TextRow {
        requireNonNull(source, "source is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        values = List.copyOf(requireNonNull(values, "values is null"));
        if (columns.size() != values.size()) {
            throw new IllegalArgumentException(
                    "%d values for %d columns".formatted(values.size(), columns.size()));
        }
    }

    @Override
    public String get(int column) {
        return values.get(column);
    }

    @Override
    public boolean isEmpty(int column) {
        return values.get(column).isEmpty();
    }

    @Override
    public double getDouble(int column) {
        String value = values.get(column);
        if (value.isEmpty()) {
            return Double.NaN;
        }
        try {
            char[] chars = value.toCharArray();
            return DecimalParser.parse(chars, 0, chars.length);
        } catch (NumberFormatException e) {
            throw invalidValue(column, "'%s' is not a number".formatted(value));
        }
    }

    @Override
    public Optional<Long> getLong(int column) {
        double value = getDouble(column);
        if (Double.isNaN(value) && isEmpty(column)) {
            return Optional.empty();
        }
        if (!Double.isFinite(value) || value != Math.rint(value) || Math.abs(value) > 9.007199254740992E15) {
            throw invalidValue(column, "'%s' is not a whole number".formatted(values.get(column)));
        }
        return Optional.of((long) value);
    }

    @Override
    public SlipwayException invalidValue(int column, String problem) {
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                "%s row %d, column '%s': %s".formatted(source, rowNumber, columns.get(column), problem));
    }
}
