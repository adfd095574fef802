package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one permanent removal deleted: the number of rows per table, in the order the tables were emptied, and whether
 * the run or experiment row itself went (it stays when the run was restored meanwhile, or the experiment still has
 * runs).
 */
public record PurgedRows(boolean removed, Map<String, Long> rowsByTable) {
    public PurgedRows {
        requireNonNull(rowsByTable, "rowsByTable is null");
        rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(rowsByTable));
    }

    /** Nothing deleted, the row kept. */
    public static PurgedRows none() {
        return new PurgedRows(false, Map.of());
    }

    public long totalRows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
