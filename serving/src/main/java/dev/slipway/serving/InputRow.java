package dev.slipway.serving;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.RowValues;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One checked request row in a model's column order, as {@link dev.slipway.models.scoring.FeatureBatch} reads it:
 * a number or a text per column, or missing. Reused row after row; not thread-safe.
 */
final class InputRow implements RowValues {
    private final List<String> columns;
    private final double[] numbers;
    private final String[] texts;
    private final boolean[] missing;
    private long rowNumber;

    InputRow(List<String> columns) {
        this.columns = columns;
        this.numbers = new double[columns.size()];
        this.texts = new String[columns.size()];
        this.missing = new boolean[columns.size()];
    }

    void start(long rowIndex) {
        this.rowNumber = rowIndex;
        Arrays.fill(texts, null);
        Arrays.fill(missing, false);
    }

    void setNumber(int column, double value) {
        numbers[column] = value;
        texts[column] = null;
        missing[column] = Double.isNaN(value);
    }

    void setText(int column, String value) {
        texts[column] = value;
        missing[column] = value.isEmpty();
        numbers[column] = Double.NaN;
    }

    void setMissing(int column) {
        numbers[column] = Double.NaN;
        texts[column] = null;
        missing[column] = true;
    }

    int width() {
        return columns.size();
    }

    boolean missing(int column) {
        return missing[column];
    }

    /** The text of a text cell, else null. */
    String text(int column) {
        return texts[column];
    }

    double number(int column) {
        return numbers[column];
    }

    @Override
    public String get(int column) {
        if (texts[column] != null) {
            return texts[column];
        }
        if (missing[column]) {
            return "";
        }
        double value = numbers[column];
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    @Override
    public boolean isEmpty(int column) {
        return missing[column];
    }

    @Override
    public double getDouble(int column) {
        if (missing[column]) {
            return Double.NaN;
        }
        String text = texts[column];
        if (text == null) {
            return numbers[column];
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw invalidValue(column, "'%s' is not a number".formatted(MlflowRequests.abbreviate(text)));
        }
    }

    @Override
    public Optional<Long> getLong(int column) {
        if (missing[column]) {
            return Optional.empty();
        }
        double value = getDouble(column);
        if (!Double.isFinite(value) || value != Math.rint(value) || Math.abs(value) > 9.007199254740992E15) {
            throw invalidValue(column, "'%s' is not a whole number".formatted(get(column)));
        }
        return Optional.of((long) value);
    }

    @Override
    public SlipwayException invalidValue(int column, String problem) {
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                "Request row %d, column '%s': %s".formatted(rowNumber, columns.get(column), problem));
    }
}
