package dev.slipway.models.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes RFC 4180 CSV that {@link CsvReader} (and pandas) read back: UTF-8 without a byte order
 * mark, comma separated, records ended by LF. A field is quoted only when it holds a comma, a
 * quote, a CR or an LF, or starts or ends with a space; quotes inside are doubled.
 *
 * <p>Build a row field by field ({@link #field(CharSequence)}, {@link #field(double)}, ... then
 * {@link #endRow()}) or write it whole with {@link #writeRow(List)}. Numbers are written in their
 * shortest round-trip form ({@link Float#toString(float)}, {@link Double#toString(double)}); NaN is
 * written as an empty field, which {@link CsvReader#getDouble} reads back as NaN.
 *
 * <p>Output is buffered; {@link #close()} flushes. Not thread-safe.
 */
public final class CsvWriter implements Closeable, Flushable {
    private static final int BUFFER_SIZE = 1 << 16;

    private final Writer output;
    private final String target;
    private final char[] buffer = new char[BUFFER_SIZE];
    private int length;
    private boolean rowStarted;

    private CsvWriter(Writer output, String target) {
        this.output = requireNonNull(output, "output is null");
        this.target = requireNonNull(target, "target is null");
    }

    /** Creates (or truncates) a UTF-8 CSV file. */
    public static CsvWriter open(Path file) {
        requireNonNull(file, "file is null");
        try {
            return new CsvWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                    file.toString());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Cannot write CSV file '%s': %s".formatted(file, e.getMessage()), e);
        }
    }

    /** Writes CSV to a character stream; {@code target} names it in error messages. */
    public static CsvWriter of(Writer output, String target) {
        return new CsvWriter(output, target);
    }

    /** Writes a whole row (for example the header). */
    public CsvWriter writeRow(List<String> values) {
        requireNonNull(values, "values is null");
        for (String value : values) {
            field(value);
        }
        return endRow();
    }

    /** Appends a text field to the current row, quoting it if needed. */
    public CsvWriter field(CharSequence value) {
        requireNonNull(value, "value is null");
        separator();
        int size = value.length();
        if (needsQuotes(value, size)) {
            put('"');
            for (int i = 0; i < size; i++) {
                char c = value.charAt(i);
                if (c == '"') {
                    put('"');
                }
                put(c);
            }
            put('"');
        } else {
            for (int i = 0; i < size; i++) {
                put(value.charAt(i));
            }
        }
        return this;
    }

    /** Appends a number; NaN becomes an empty field. */
    public CsvWriter field(double value) {
        if (Double.isNaN(value)) {
            return emptyField();
        }
        return plain(Double.toString(value));
    }

    /** Appends a number; NaN becomes an empty field. */
    public CsvWriter field(float value) {
        if (Float.isNaN(value)) {
            return emptyField();
        }
        return plain(Float.toString(value));
    }

    /** Appends a whole number. */
    public CsvWriter field(long value) {
        return plain(Long.toString(value));
    }

    /** Appends an empty field. */
    public CsvWriter emptyField() {
        separator();
        return this;
    }

    /** Ends the current row. */
    public CsvWriter endRow() {
        put('\n');
        rowStarted = false;
        return this;
    }

    @Override
    public void flush() {
        try {
            drain();
            output.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        try {
            drain();
            output.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private CsvWriter plain(String text) {
        separator();
        int size = text.length();
        if (length + size > buffer.length) {
            flushBuffer();
        }
        text.getChars(0, size, buffer, length);
        length += size;
        return this;
    }

    private static boolean needsQuotes(CharSequence value, int size) {
        if (size == 0) {
            return false;
        }
        if (value.charAt(0) == ' ' || value.charAt(size - 1) == ' ') {
            return true;
        }
        for (int i = 0; i < size; i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    private void separator() {
        if (rowStarted) {
            put(',');
        }
        rowStarted = true;
    }

    private void put(char c) {
        if (length == buffer.length) {
            flushBuffer();
        }
        buffer[length++] = c;
    }

    private void flushBuffer() {
        try {
            drain();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private void drain() throws IOException {
        if (length > 0) {
            output.write(buffer, 0, length);
            length = 0;
        }
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
}
