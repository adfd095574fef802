package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A table of text cells held in memory for training, with a header and rows of equal width. Rows are
 * numbered from 1 in messages (the first row after the header is row 1). Immutable.
 *
 * @param source what the table was read from, for messages (a file name)
 * @param header the column names, unique and non-empty
 * @param rows the cells; an empty string is a missing value
 */
public record TrainingTable(String source, List<String> header, List<List<String>> rows) {
    private static final Set<String> MISSING_WORDS = Set.of("nan", "na", "n/a", "null");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an empty header or table, a blank or repeated
     *         column name, or a row whose width differs from the header's
     */
    public TrainingTable {
        requireNonNull(source, "source is null");
        header = List.copyOf(requireNonNull(header, "header is null"));
        requireNonNull(rows, "rows is null");
        if (header.isEmpty()) {
            throw SlipwayException.invalidParameter("%s is empty: expected a header line with column names", source);
        }
        Set<String> seen = new HashSet<>();
        for (String name : header) {
            if (name.isBlank()) {
                throw SlipwayException.invalidParameter("%s has a blank column name in its header %s", source, header);
            }
            if (!seen.add(name)) {
                throw SlipwayException.invalidParameter("%s has column '%s' twice in its header", source, name);
            }
        }
        if (rows.isEmpty()) {
            throw SlipwayException.invalidParameter("%s has a header but no data rows", source);
        }
        List<List<String>> copies = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            if (row.size() != header.size()) {
                throw SlipwayException.invalidParameter("Row %d of %s has %d cells but the header has %d columns",
                        i + 1, source, row.size(), header.size());
            }
            copies.add(List.copyOf(row));
        }
        rows = List.copyOf(copies);
    }

    public int rowCount() {
        return rows.size();
    }

    public String cell(int row, int column) {
        return rows.get(row).get(column);
    }

    /**
     * The index of a column.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the column and listing the header when absent
     */
    public int columnIndex(String name, String role) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw SlipwayException.invalidParameter("%s column '%s' is not in %s; its columns are %s", role, name,
                    source, header);
        }
        return index;
    }

    /** NUMERIC when every non-empty cell of the column is a number, else CATEGORICAL. */
    public ColumnKind columnKind(int column) {
        for (List<String> row : rows) {
            String cell = row.get(column);
            if (!cell.isBlank() && !isNumber(cell)) {
                return ColumnKind.CATEGORICAL;
            }
        }
        return ColumnKind.NUMERIC;
    }

    /**
     * True for a decimal number such as {@code -1}, {@code 2.5}, {@code .5} or {@code 1e-3}, and for the
     * words that mean a missing number (as {@code CsvReader} and pandas read them).
     */
    static boolean isNumber(String cell) {
        String trimmed = cell.strip();
        return NUMBER.matcher(trimmed).matches() || isMissingWord(trimmed);
    }

    /** The value of a numeric cell; NaN for a blank cell or a missing-value word. */
    static double parseNumber(String cell) {
        String trimmed = cell.strip();
        if (trimmed.isEmpty() || isMissingWord(trimmed)) {
            return Double.NaN;
        }
        return Double.parseDouble(trimmed);
    }

    private static boolean isMissingWord(String trimmed) {
        return MISSING_WORDS.contains(trimmed.toLowerCase(Locale.ROOT));
    }

    /**
     * Reads a whole CSV file (UTF-8, header row) into memory.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing file; INVALID_PARAMETER_VALUE for an
     *         empty file, a bad header, a ragged row or a file with no data rows, naming file, row and line
     */
    public static TrainingTable read(Path file) {
        try (CsvReader csv = CsvReader.open(file)) {
            List<List<String>> rows = new ArrayList<>();
            for (CsvRow row : csv) {
                rows.add(row.values());
            }
            return new TrainingTable(file.getFileName().toString(), csv.header(), rows);
        }
    }

    /** The rows with the given indexes, in that order, as a table from the same source. */
    public TrainingTable select(List<Integer> rowIndexes, String description) {
        List<List<String>> selected = new ArrayList<>(rowIndexes.size());
        for (int index : rowIndexes) {
            selected.add(rows.get(index));
        }
        return new TrainingTable(description, header, selected);
    }

    /**
     * This table's columns in the given order (a validation file with the training file's columns).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the columns this table lacks
     */
    public TrainingTable withColumns(List<String> columns) {
        List<String> missing = columns.stream().filter(column -> !header.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw SlipwayException.invalidParameter("%s lacks column%s %s of the training file; its columns are %s",
                    source, missing.size() == 1 ? "" : "s", missing, header);
        }
        int[] indexes = columns.stream().mapToInt(header::indexOf).toArray();
        List<List<String>> reordered = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>(indexes.length);
            for (int index : indexes) {
                cells.add(row.get(index));
            }
            reordered.add(cells);
        }
        return new TrainingTable(source, columns, reordered);
    }
}
