package dev.slipway.models.data;

import dev.slipway.core.SlipwayException;
import java.util.Optional;

/**
 * The cells of one row, by 0-based column, as scoring reads them. {@link CsvReader} is one (its
 * current row); {@link TextRow} wraps values that came from elsewhere (e.g. a JSON request).
 *
 * <p>Missing values: an empty cell reads as NaN from {@link #getDouble}, as empty from
 * {@link #getLong}. Errors name the source, the row and the column.
 */
public interface RowValues {
    /** The cell as text. */
    String get(int column);

    /** Whether the cell is empty. */
    boolean isEmpty(int column);

    /**
     * The cell as a number; NaN for an empty cell.
     *
     * @throws SlipwayException naming row and column if the cell is not a number
     */
    double getDouble(int column);

    /** {@link #getDouble} narrowed to float. */
    default float getFloat(int column) {
        return (float) getDouble(column);
    }

    /**
     * The cell as a whole number; empty for an empty cell.
     *
     * @throws SlipwayException naming row and column if the cell is not a whole number
     */
    Optional<Long> getLong(int column);

    /** An error about the cell that names the source, row and column and states the problem. */
    SlipwayException invalidValue(int column, String problem);
}
