package dev.slipway.core.backup;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What an export wrote or an import restored.
 *
 * @param formatVersion the version of the backup format
 * @param schemaVersion the schema (migration) version of the store the backup was made from
 * @param sourceDatabase the kind of database the backup was made from ({@code sqlite}, {@code postgresql},
 *     {@code mysql})
 * @param tables the rows of each table, in the file's order
 */
public record BackupSummary(int formatVersion, String schemaVersion, String sourceDatabase, List<TableRows> tables) {
    public BackupSummary {
        requireNonNull(schemaVersion, "schemaVersion is null");
        requireNonNull(sourceDatabase, "sourceDatabase is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
    }

    public long totalRows() {
        return tables.stream().mapToLong(TableRows::rows).sum();
    }

    /** The number of rows of one table. */
    public record TableRows(String table, long rows) {
        public TableRows {
            requireNonNull(table, "table is null");
            if (rows < 0) {
                throw new IllegalArgumentException("rows is negative: " + rows);
            }
        }
    }
}
