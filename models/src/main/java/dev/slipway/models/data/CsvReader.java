package dev.slipway.models.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A streaming reader of RFC 4180 CSV with a header row.
 *
 * <p>Reads UTF-8 (a leading byte order mark is skipped), fields separated by commas, records
 * ended by LF or CRLF (or the end of the file); a field in double quotes may hold commas, line
 * breaks and doubled quotes ({@code ""}). Only one record is held in memory at a time, in buffers
 * that are reused from row to row, so files of any size stream in constant memory.
 *
 * <p>Usage, fast path (no allocation per cell for numbers):
 *
 * <pre>{@code
 * try (CsvReader csv = CsvReader.open(path)) {
 *     int amount = csv.requireColumn("amount");
 *     while (csv.next()) {
 *         double value = csv.getDouble(amount);   // empty cell -> NaN
 *         String city = csv.get(csv.requireColumn("city"));
 *     }
 * }
 * }</pre>
 *
 * or simply {@code for (CsvRow row : csv) {...}}, which copies each row into a {@link CsvRow}.
 *
 * <p>Numbering: {@link #rowNumber()} counts data records from 1 (the header is not a row);
 * {@link #lineNumber()} is the 1-based physical line where the current record starts (the header
 * is line 1), which differs from {@code rowNumber() + 1} when quoted fields span lines.
 *
 * <p>Errors are {@link SlipwayException}s with {@link ErrorCode#INVALID_PARAMETER_VALUE} whose
 * message names the file (the {@code source} given), the row and line, and the column: an empty
 * file, a blank or missing header, an empty or duplicate column name, a row with more or fewer
 * fields than the header, an unterminated quote, text in a column read as a number, bytes that are
 * not UTF-8. A missing file is {@link ErrorCode#RESOURCE_DOES_NOT_EXIST}. Blank lines between
 * records are skipped (as pandas does), except in a one-column file where they are empty values.
 *
 * <p>Not thread-safe: one reader is used by one thread.
 */
public final class CsvReader implements Closeable, Iterable<CsvRow>, RowValues {
    private static final int BUFFER_SIZE = 1 << 16;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Reader input;
    private final String source;
    private char[] buffer = new char[BUFFER_SIZE];
    private int position;
    private int limit;
    private int recordStart;
    private int shift;
    private boolean endOfInput;

    private int[] fieldStarts = new int[32];
    private int[] fieldEnds = new int[32];
    private int fieldCount;

    private long nextLine = 1;
    private long recordLine;
    private long rowNumber;
    private boolean recordEndedByNewline;
    private boolean lastFieldQuoted;

    private final List<String> header;
    private final Map<String, Integer> columnIndexes;
    private boolean iteratorCreated;

    private CsvReader(Reader input, String source) {
        this.input = requireNonNull(input, "input is null");
        this.source = requireNonNull(source, "source is null");
        this.header = readHeader();
        Map<String, Integer> indexes = new HashMap<>();
        for (int column = 0; column < header.size(); column++) {
            indexes.put(header.get(column), column);
        }
        this.columnIndexes = Collections.unmodifiableMap(indexes);
    }

    /**
     * Opens a UTF-8 CSV file and reads its header row.
     *
     * @throws SlipwayException if the file does not exist, cannot be read, is empty or has no
     *     valid header
     */
    public static CsvReader open(Path file) {
        requireNonNull(file, "file is null");
        Reader reader;
        try {
            reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder());
        } catch (NoSuchFileException e) {
            throw SlipwayException.notFound("CSV file '%s' does not exist", file);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Cannot read CSV file '%s': %s".formatted(file, e.getMessage()), e);
        }
        try {
            return new CsvReader(reader, file.toString());
        } catch (RuntimeException e) {
            closeQuietly(reader, e);
            throw e;
        }
    }

    /**
     * Reads CSV from a character stream (already decoded; a leading BOM is still skipped).
     * {@code source} names the data in error messages, e.g. the file name or "request body".
     * The reader is closed by {@link #close()}.
     */
    public static CsvReader of(Reader input, String source) {
        return new CsvReader(input, source);
    }

    /** The name used in error messages (the file path, or the source given to {@link #of}). */
    public String source() {
        return source;
    }

    /** The column names of the header row, in file order (immutable). */
    public List<String> header() {
        return header;
    }

    /** The 0-based index of a header column. */
    public OptionalInt columnIndex(String name) {
        Integer index = columnIndexes.get(requireNonNull(name, "name is null"));
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * The 0-based index of a header column.
     *
     * @throws SlipwayException naming the file and the header if there is no such column
     */
    public int requireColumn(String name) {
        OptionalInt index = columnIndex(name);
        if (index.isEmpty()) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s has no column '%s' (header: %s)".formatted(source, name, String.join(", ", header)));
        }
        return index.getAsInt();
    }

    /**
     * Advances to the next record.
     *
     * @return false at the end of the file
     * @throws SlipwayException if the record is malformed or has a different number of fields than
     *     the header
     */
    public boolean next() {
        while (true) {
            if (!readRecord()) {
                fieldCount = 0;
                return false;
            }
            if (fieldCount == 1 && fieldEnds[0] == fieldStarts[0] && recordEndedByNewline && header.size() > 1
                    && !lastFieldQuoted) {
                continue;
            }
            rowNumber++;
            if (fieldCount != header.size()) {
                throw raggedRow();
            }
            return true;
        }
    }

    /** The 1-based number of the current data row (the first row after the header is 1). */
    public long rowNumber() {
        return rowNumber;
    }

    /** The 1-based physical line on which the current record starts (the header is line 1). */
    public long lineNumber() {
        return recordLine;
    }

    /** The number of fields of the current row (always the header's width). */
    public int fieldCount() {
        return fieldCount;
    }

    /** The value of a field of the current row as a new String. */
    @Override
    public String get(int column) {
        checkColumn(column);
        return new String(buffer, fieldStarts[column], fieldEnds[column] - fieldStarts[column]);
    }

    /** Whether a field of the current row is empty (zero characters). */
    @Override
    public boolean isEmpty(int column) {
        checkColumn(column);
        return fieldEnds[column] == fieldStarts[column];
    }

    /** The length in chars of a field of the current row. */
    public int length(int column) {
        checkColumn(column);
        return fieldEnds[column] - fieldStarts[column];
    }

    /** Whether a field of the current row equals {@code text}, compared without allocating. */
    public boolean fieldEquals(int column, String text) {
        checkColumn(column);
        int start = fieldStarts[column];
        int length = fieldEnds[column] - start;
        if (length != text.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a field of the current row as a decimal number without creating a String (for
     * ordinary numbers). An empty field (or NaN, NA, N/A, null) is a missing value: NaN.
     *
     * @throws SlipwayException naming the file, row, line, column and value if it is not a number
     */
    @Override
    public double getDouble(int column) {
        checkColumn(column);
        int start = fieldStarts[column];
        int end = fieldEnds[column];
        if (start == end) {
            return Double.NaN;
        }
        try {
            return DecimalParser.parse(buffer, start, end);
        } catch (NumberFormatException e) {
            throw notANumber(column);
        }
    }

    /** {@link #getDouble} narrowed to float. */
    @Override
    public float getFloat(int column) {
        return (float) getDouble(column);
    }

    /**
     * Parses a field of the current row as a whole number ({@code "3"} or {@code "3.0"}).
     *
     * @return empty for an empty field
     * @throws SlipwayException naming the file, row, column and value if it is not a whole number
     */
    @Override
    public Optional<Long> getLong(int column) {
        double value = getDouble(column);
        if (Double.isNaN(value) && isEmpty(column)) {
            return Optional.empty();
        }
        if (Double.isNaN(value) || Double.isInfinite(value) || value != Math.rint(value)
                || Math.abs(value) > 9.007199254740992E15) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s row %d (line %d), column '%s': '%s' is not a whole number"
                            .formatted(source, rowNumber, recordLine, header.get(column), get(column)));
        }
        return Optional.of((long) value);
    }

    /** The fields of the current row, copied into an immutable list. */
    public List<String> values() {
        String[] values = new String[fieldCount];
        for (int column = 0; column < fieldCount; column++) {
            values[column] = get(column);
        }
        return List.of(values);
    }

    /** A copy of the current row. */
    public CsvRow row() {
        return new CsvRow(rowNumber, recordLine, values());
    }

    /**
     * Iterates over the remaining rows, copying each into a {@link CsvRow}. A reader is read
     * once: only one iterator may be created.
     */
    @Override
    public Iterator<CsvRow> iterator() {
        if (iteratorCreated) {
            throw new IllegalStateException("A CsvReader can be iterated only once");
        }
        iteratorCreated = true;
        return new Iterator<>() {
            private CsvRow nextRow;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (nextRow == null && !done) {
                    if (CsvReader.this.next()) {
                        nextRow = row();
                    } else {
                        done = true;
                    }
                }
                return nextRow != null;
            }

            @Override
            public CsvRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CsvRow row = nextRow;
                nextRow = null;
                return row;
            }
        };
    }

    /**
     * Builds the error for a value that is not valid in its column; callers that check values
     * themselves (e.g. against a schema) use it so that every message names the same things.
     */
    @Override
    public SlipwayException invalidValue(int column, String problem) {
        checkColumn(column);
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                "%s row %d (line %d), column '%s': %s"
                        .formatted(source, rowNumber, recordLine, header.get(column), problem));
    }

    @Override
    public void close() {
        try {
            input.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + source, e);
        }
    }

    private SlipwayException notANumber(int column) {
        return invalidValue(column, "'%s' is not a number".formatted(abbreviate(get(column))));
    }

    private SlipwayException raggedRow() {
        String problem;
        if (fieldCount < header.size()) {
            List<String> missing = header.subList(fieldCount, header.size());
            problem = "has %d field%s but the header has %d: no value for column%s %s".formatted(fieldCount,
                    fieldCount == 1 ? "" : "s", header.size(), missing.size() == 1 ? "" : "s", quoteAll(missing));
        } else {
            problem = "has %d fields but the header has %d: extra value '%s' in column %d, after column '%s'"
                    .formatted(fieldCount, header.size(), abbreviate(fieldText(header.size())), header.size() + 1,
                            header.get(header.size() - 1));
        }
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                "%s row %d (line %d) %s".formatted(source, rowNumber, recordLine, problem));
    }

    private static String quoteAll(List<String> names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append('\'').append(name).append('\'');
        }
        return text.toString();
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }

    private String fieldText(int field) {
        return new String(buffer, fieldStarts[field], fieldEnds[field] - fieldStarts[field]);
    }

    private void checkColumn(int column) {
        if (column < 0 || column >= fieldCount) {
            throw new IndexOutOfBoundsException(
                    "column %d of a row with %d fields (call next() first)".formatted(column, fieldCount));
        }
    }

    private List<String> readHeader() {
        if (!fill()) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s is empty: expected a header row with the column names".formatted(source));
        }
        if (buffer[position] == BYTE_ORDER_MARK) {
            position++;
        }
        if (!readRecord()) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s is empty: expected a header row with the column names".formatted(source));
        }
        if (fieldCount == 1 && fieldEnds[0] == fieldStarts[0] && !lastFieldQuoted) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s has no header row: line 1 is blank (the first line must name the columns)".formatted(source));
        }
        String[] names = new String[fieldCount];
        Map<String, Integer> seen = new HashMap<>();
        for (int column = 0; column < fieldCount; column++) {
            String name = fieldText(column);
            if (name.isBlank()) {
                throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                        "%s header (line 1): column %d has no name".formatted(source, column + 1));
            }
            Integer previous = seen.putIfAbsent(name, column);
            if (previous != null) {
                throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                        "%s header (line 1): column '%s' appears twice (columns %d and %d)"
                                .formatted(source, name, previous + 1, column + 1));
            }
            names[column] = name;
        }
        return List.of(names);
    }

    /**
     * Reads one record; its fields are ranges of {@link #buffer}, valid until the next call.
     * Returns false if the input ended before any character.
     */
    private boolean readRecord() {
        recordStart = position;
        fieldCount = 0;
        if (position >= limit && !fill()) {
            return false;
        }
        recordLine = nextLine;
        recordEndedByNewline = false;
        while (true) {
            lastFieldQuoted = false;
            int terminator;
            if (position >= limit && !fill()) {
                addField(position, position);
                terminator = -1;
            } else if (buffer[position] == '"') {
                position++;
                lastFieldQuoted = true;
                terminator = readQuotedField();
            } else {
                terminator = readPlainField();
            }
            if (terminator == ',') {
                continue;
            }
            if (terminator == '\r') {
                if ((position < limit || fill()) && buffer[position] == '\n') {
                    position++;
                }
                nextLine++;
                recordEndedByNewline = true;
            } else if (terminator == '\n') {
                nextLine++;
                recordEndedByNewline = true;
            }
            return true;
        }
    }

    /** Reads an unquoted field; returns the char that ended it (consumed), or -1 at the end. */
    private int readPlainField() {
        int start = position;
        while (true) {
            char[] chars = buffer;
            int index = position;
            int end = limit;
            while (index < end) {
                char c = chars[index];
                if (c == ',' || c == '\n' || c == '\r') {
                    addField(start, index);
                    position = index + 1;
                    return c;
                }
                index++;
            }
            position = end;
            boolean more = fill();
            start -= shift;
            if (!more) {
                addField(start, position);
                return -1;
            }
        }
    }

    /**
     * Reads a quoted field after its opening quote, unescaping doubled quotes in place (the write
     * position never passes the read position); returns the char after the closing quote.
     */
    private int readQuotedField() {
        long startLine = nextLine;
        int start = position;
        int write = position;
        while (true) {
            if (position >= limit) {
                boolean more = fill();
                start -= shift;
                write -= shift;
                if (!more) {
                    throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                            "%s %s, field %d: the quote opened on line %d is never closed".formatted(source,
                                    describeRecord(), fieldCount + 1, startLine));
                }
            }
            char c = buffer[position++];
            if (c == '"') {
                if (position >= limit) {
                    boolean more = fill();
                    start -= shift;
                    write -= shift;
                    if (!more) {
                        addField(start, write);
                        return -1;
                    }
                }
                char after = buffer[position++];
                if (after == '"') {
                    buffer[write++] = '"';
                    continue;
                }
                if (after == ',' || after == '\n' || after == '\r') {
                    addField(start, write);
                    return after;
                }
                throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                        "%s %s, field %d: unexpected character '%s' after the closing quote (a quote inside a quoted field is written \"\")"
                                .formatted(source, describeRecord(), fieldCount + 1, after));
            }
            buffer[write++] = c;
            if (c == '\n') {
                nextLine++;
            } else if (c == '\r') {
                if (position >= limit) {
                    fill();
                    start -= shift;
                    write -= shift;
                }
                if (position >= limit || buffer[position] != '\n') {
                    nextLine++;
                }
            }
        }
    }

    private String describeRecord() {
        return header == null ? "header (line %d)".formatted(recordLine)
                : "row %d (line %d)".formatted(rowNumber + 1, recordLine);
    }

    private void addField(int start, int end) {
        if (fieldCount == fieldStarts.length) {
            fieldStarts = Arrays.copyOf(fieldStarts, fieldCount * 2);
            fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
        }
        fieldStarts[fieldCount] = start;
        fieldEnds[fieldCount] = end;
        fieldCount++;
    }

    /**
     * Makes at least one more char available at {@link #position}; false at the end of the input.
     * The current record, from {@link #recordStart}, is kept: it is moved to the start of the
     * buffer (the buffer grows if the record fills it), and {@link #shift} says how far it moved so
     * that callers can move their own positions.
     */
    private boolean fill() {
        shift = 0;
        if (position < limit) {
            return true;
        }
        if (endOfInput) {
            return false;
        }
        if (recordStart > 0) {
            int kept = limit - recordStart;
            System.arraycopy(buffer, recordStart, buffer, 0, kept);
            shift = recordStart;
            for (int field = 0; field < fieldCount; field++) {
                fieldStarts[field] -= shift;
                fieldEnds[field] -= shift;
            }
            position -= shift;
            limit = kept;
            recordStart = 0;
        } else if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        try {
            int read;
            do {
                read = input.read(buffer, limit, buffer.length - limit);
            } while (read == 0);
            if (read < 0) {
                endOfInput = true;
                return false;
            }
            limit += read;
            return true;
        } catch (CharacterCodingException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "%s is not valid UTF-8 (near line %d)".formatted(source, nextLine), e);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Cannot read %s near line %d: %s".formatted(source, nextLine, e.getMessage()), e);
        }
    }

    private static void closeQuietly(Reader reader, RuntimeException failure) {
        try {
            reader.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
