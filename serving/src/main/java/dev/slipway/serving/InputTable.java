package dev.slipway.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The rows of one scoring request as they arrived, before schema enforcement: column names (empty when the request
 * gave none and columns are matched by position) and one JSON value per cell ({@code null} for a cell a record
 * left out). Cells of a CSV body are JSON strings and {@link #fromCsv} is set: their type comes from the signature.
 */
record InputTable(Optional<List<String>> columns, List<JsonNode[]> rows, boolean fromCsv) {

    int rowCount() {
        return rows.size();
    }

    /** The number of columns (of the first row when unnamed). */
    int columnCount() {
        return columns.map(List::size).orElse(rows.isEmpty() ? 0 : rows.get(0).length);
    }
}
