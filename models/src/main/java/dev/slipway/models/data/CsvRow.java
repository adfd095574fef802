package dev.slipway.models.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One data row of a CSV file, copied out of a {@link CsvReader}.
 *
 * @param rowNumber 1-based number of the data row (the header is not counted)
 * @param lineNumber 1-based physical line on which the row starts (the header is line 1)
 * @param values the fields, one per header column
 */
public record CsvRow(long rowNumber, long lineNumber, List<String> values) {
    public CsvRow {
        if (rowNumber < 1) {
            throw new IllegalArgumentException("rowNumber must be at least 1: " + rowNumber);
        }
        if (lineNumber < 1) {
            throw new IllegalArgumentException("lineNumber must be at least 1: " + lineNumber);
        }
        values = List.copyOf(requireNonNull(values, "values is null"));
    }

    /** The value of the 0-based column. */
    public String get(int column) {
        return values.get(column);
    }
}
