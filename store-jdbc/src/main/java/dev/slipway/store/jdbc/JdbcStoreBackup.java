package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.zaxxer.hikari.HikariDataSource;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.backup.BackupListener;
import dev.slipway.core.backup.BackupSummary;
import dev.slipway.core.backup.StoreBackup;
import dev.slipway.store.jdbc.BackupTables.Column;
import dev.slipway.store.jdbc.BackupTables.ColumnType;
import dev.slipway.store.jdbc.BackupTables.Table;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A {@link StoreBackup} over SQLite, PostgreSQL or MySQL/MariaDB: every table of {@link BackupTables}, in the backup
 * format, version {@value #FORMAT_VERSION}: gzip-compressed JSON lines (UTF-8).
 *
 * <ol>
 *   <li>A header: {@code {"format":"slipway-store-backup","format_version":1,"schema_version":"8",
 *       "source_database":"sqlite","tables":[{"name":"experiments","rows":3,"columns":[{"name":"experiment_id",
 *       "type":"bigint"},...]},...]}}: the tables in insertion order (parents first), each with its row count and its
 *       columns' names and portable types ({@code text bigint integer double boolean bytes}).</li>
 *   <li>One line per row, table after table in the header's order: {@code {"table":"runs","values":[...]}}, the
 *       values in the header's column order. Nulls are {@code null}; doubles that JSON cannot write are the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; bytes are base64 strings.</li>
 *   <li>An end line: {@code {"end":"slipway-store-backup","rows":N,"next_ids":{"served_predictions.prediction_id":
 *       42,...}}}, with the next value of each generated id, so ids keep increasing after the newest rows were
 *       deleted. A file without it is truncated.</li>
 * </ol>
 *
 * <p>An export reads one consistent snapshot (one read transaction, REPEATABLE READ where that matters) and streams
 * each table with the driver's streaming fetch. An import checks that the store is empty, then inserts in batches of
 * at most {@value #BATCH_ROWS} rows or about {@value #BATCH_CHARS} characters, each batch one transaction, and sets
 * the id sequences afterwards; on any failure it deletes every row it inserted. The rows of append-only tables
 * ({@link BackupTables.Table#appendOnly()}, last in the file), which no statement may delete, commit only together
 * with the end line, so a failure rolls them back. Not thread-safe; owns its pool.
 */
final class JdbcStoreBackup implements StoreBackup {
    static final String FORMAT = "slipway-store-backup";
    static final int FORMAT_VERSION = 1;

    private static final int BATCH_ROWS = 2_000;
    private static final long BATCH_CHARS = 4L * 1024 * 1024;
    private static final int PROGRESS_ROWS = 10_000;
    private static final String DEFAULT_EXPERIMENT_ID = "0";
    private static final String DEFAULT_EXPERIMENT_NAME = "Default";

    private final HikariDataSource dataSource;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Dialect dialect;
    private final JsonFactory json;

    JdbcStoreBackup(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
    }

    // ---- export ----------------------------------------------------------------------------------

    @Override
    public BackupSummary exportTo(OutputStream out, BackupListener listener) throws IOException {
        requireNonNull(out, "out is null");
        requireNonNull(listener, "listener is null");
        try (Connection connection = dataSource.getConnection()) {
            beginSnapshot(connection);
            try {
                BackupSummary summary = export(connection, out, listener);
                connection.commit();
                return summary;
            } finally {
                endTransaction(connection);
            }
        } catch (SQLException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Database error while exporting the store: "
                    + e.getMessage(), e);
        }
    }

    private BackupSummary export(Connection connection, OutputStream out, BackupListener listener)
            throws SQLException, IOException {
        checkCoverage(connection);
        String schemaVersion = schemaVersion(connection);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Table table : BackupTables.TABLES) {
            counts.put(table.name(), countRows(connection, table.name()));
        }
        Map<String, Long> nextIds = nextIds(connection);
        listener.totalRows(counts.values().stream().mapToLong(Long::longValue).sum());

        try (GZIPOutputStream gzip = new GZIPOutputStream(new KeptOpenOutput(out), 1 << 16);
                JsonGenerator generator = json.createGenerator(gzip, JsonEncoding.UTF8)) {
            generator.setRootValueSeparator(new SerializedString("\n"));
            return export(connection, generator, schemaVersion, counts, nextIds, listener);
        }
    }

    private BackupSummary export(Connection connection, JsonGenerator generator, String schemaVersion,
            Map<String, Long> counts, Map<String, Long> nextIds, BackupListener listener)
            throws SQLException, IOException {
        writeHeader(generator, schemaVersion, counts);
        long total = 0;
        List<BackupSummary.TableRows> written = new ArrayList<>();
        for (Table table : BackupTables.TABLES) {
            long rows = writeRows(connection, generator, table, listener);
            if (rows != counts.get(table.name())) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "The rows of table '" + table.name()
                        + "' changed during the export (counted " + counts.get(table.name()) + ", read " + rows
                        + "); no backup was written");
            }
            written.add(new BackupSummary.TableRows(table.name(), rows));
            total += rows;
        }
        generator.writeStartObject();
        generator.writeStringField("end", FORMAT);
        generator.writeNumberField("rows", total);
        generator.writeObjectFieldStart("next_ids");
        for (Map.Entry<String, Long> nextId : nextIds.entrySet()) {
            generator.writeNumberField(nextId.getKey(), nextId.getValue());
        }
        generator.writeEndObject();
        generator.writeEndObject();
        generator.writeRaw('\n');
        return new BackupSummary(FORMAT_VERSION, schemaVersion, dialect.toString(), written);
    }

    private void writeHeader(JsonGenerator generator, String schemaVersion, Map<String, Long> counts)
            throws IOException {
        generator.writeStartObject();
        generator.writeStringField("format", FORMAT);
        generator.writeNumberField("format_version", FORMAT_VERSION);
        generator.writeStringField("schema_version", schemaVersion);
        generator.writeStringField("source_database", dialect.toString());
        generator.writeArrayFieldStart("tables");
        for (Table table : BackupTables.TABLES) {
            generator.writeStartObject();
            generator.writeStringField("name", table.name());
            generator.writeNumberField("rows", counts.get(table.name()));
            generator.writeArrayFieldStart("columns");
            for (Column column : table.columns()) {
                generator.writeStartObject();
                generator.writeStringField("name", column.name());
                generator.writeStringField("type", column.type().wireName());
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeEndObject();
    }

    private long writeRows(Connection connection, JsonGenerator generator, Table table, BackupListener listener)
            throws SQLException, IOException {
        long rows = 0;
        long unreported = 0;
        try (PreparedStatement select = connection.prepareStatement("SELECT "
                + String.join(", ", table.columnNames()) + " FROM " + table.name(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            select.setFetchSize(dialect.streamingFetchSize());
            try (ResultSet resultSet = select.executeQuery()) {
                while (resultSet.next()) {
                    generator.writeStartObject();
                    generator.writeStringField("table", table.name());
                    generator.writeArrayFieldStart("values");
                    for (int index = 0; index < table.columns().size(); index++) {
                        writeValue(generator, resultSet, index + 1, table.columns().get(index).type());
                    }
                    generator.writeEndArray();
                    generator.writeEndObject();
                    rows++;
                    if (++unreported == PROGRESS_ROWS) {
                        listener.rows(table.name(), unreported);
                        unreported = 0;
                    }
                }
            }
        }
        if (unreported > 0) {
            listener.rows(table.name(), unreported);
        }
        return rows;
    }

    private static void writeValue(JsonGenerator generator, ResultSet resultSet, int position, ColumnType type)
            throws SQLException, IOException {
        switch (type) {
            case TEXT -> {
                String text = resultSet.getString(position);
                if (text == null) {
                    generator.writeNull();
                } else {
                    generator.writeString(text);
                }
            }
            case BIGINT, INTEGER -> {
                long number = resultSet.getLong(position);
                if (resultSet.wasNull()) {
                    generator.writeNull();
                } else {
                    generator.writeNumber(number);
                }
            }
            case DOUBLE -> {
                double number = resultSet.getDouble(position);
                if (resultSet.wasNull()) {
                    generator.writeNull();
                } else if (Double.isFinite(number)) {
                    generator.writeNumber(number);
                } else {
                    generator.writeString(Double.toString(number));
                }
            }
            case BOOLEAN -> {
                boolean value = resultSet.getBoolean(position);
                if (resultSet.wasNull()) {
                    generator.writeNull();
                } else {
                    generator.writeBoolean(value);
                }
            }
            case BYTES -> {
                byte[] bytes = resultSet.getBytes(position);
                if (bytes == null) {
                    generator.writeNull();
                } else {
                    generator.writeBinary(bytes);
                }
            }
        }
    }

    /**
     * Refuses a database with a table or column the backup format does not cover, or without one it does: a backup
     * must hold everything.
     */
    private void checkCoverage(Connection connection) throws SQLException {
        Set<String> tables = tableNames(connection);
        Set<String> unknown = new TreeSet<>(tables);
        unknown.removeAll(BackupTables.EXCLUDED);
        BackupTables.TABLES.forEach(table -> unknown.remove(table.name()));
        if (!unknown.isEmpty()) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, "Cannot back up this store: its table(s) "
                    + quoted(unknown) + " are not covered by the backup format of this Slipway version, and a "
                    + "backup without them would be incomplete; nothing was written. (Developers: add them to "
                    + "BackupTables.)");
        }
        for (Table table : BackupTables.TABLES) {
            if (!tables.contains(table.name())) {
                throw new SlipwayException(ErrorCode.INVALID_STATE, "Cannot back up this store: it has no table '"
                        + table.name() + "'");
            }
            Set<String> columns = columnNames(connection, table.name());
            Set<String> expected = new TreeSet<>(table.columnNames());
            if (!columns.equals(expected)) {
                Set<String> extra = new TreeSet<>(columns);
                extra.removeAll(expected);
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(columns);
                throw new SlipwayException(ErrorCode.INVALID_STATE, "Cannot back up this store: the columns of "
                        + "table '" + table.name() + "' differ from the backup format of this Slipway version"
                        + (extra.isEmpty() ? "" : "; not covered: " + quoted(extra))
                        + (missing.isEmpty() ? "" : "; missing: " + quoted(missing)) + "; nothing was written");
            }
        }
    }

    /** The store's base tables (lower case). */
    Set<String> tableNames(Connection connection) throws SQLException {
        String sql = switch (dialect) {
            case SQLITE -> "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                    + "ESCAPE '\\'";
            case POSTGRESQL -> "SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
            case MYSQL -> "SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'";
        };
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(sql)) {
            while (resultSet.next()) {
                names.add(resultSet.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static Set<String> columnNames(Connection connection, String table) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData metaData = resultSet.getMetaData();
            for (int column = 1; column <= metaData.getColumnCount(); column++) {
                names.add(metaData.getColumnName(column).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** The newest schema version Flyway applied. */
    private static String schemaVersion(Connection connection) throws SQLException {
        String version = null;
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(
                        "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
            while (resultSet.next()) {
                String applied = resultSet.getString(1);
                if (applied != null && resultSet.getBoolean(2)) {
                    version = applied;
                }
            }
        }
        if (version == null) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, "The store has no applied schema migration");
        }
        return version;
    }

    private static long countRows(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            resultSet.next();
            return resultSet.getLong(1);
        }
    }

    /** The next value of each generated id ({@code table.column}), where the database keeps one. */
    private Map<String, Long> nextIds(Connection connection) throws SQLException {
        Map<String, Long> nextIds = new LinkedHashMap<>();
        for (Table table : BackupTables.TABLES) {
            Optional<Column> identity = table.identity();
            if (identity.isEmpty()) {
                continue;
            }
            Optional<Long> next = switch (dialect) {
                case SQLITE -> queryLong(connection, "SELECT seq + 1 FROM sqlite_sequence WHERE name = ?",
                        table.name());
                case POSTGRESQL -> {
                    Optional<String> sequence = queryString(connection, "SELECT pg_get_serial_sequence(?, ?)",
                            table.name(), identity.get().name());
                    if (sequence.isEmpty()) {
                        yield Optional.empty();
                    }
                    yield queryLong(connection, "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                            + "FROM " + sequence.get());
                }
                case MYSQL -> queryLong(connection, "SELECT auto_increment FROM information_schema.tables "
                        + "WHERE table_schema = DATABASE() AND table_name = ?", table.name());
            };
            next.ifPresent(value -> nextIds.put(table.name() + "." + identity.get().name(), value));
        }
        return nextIds;
    }

    private void beginSnapshot(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        switch (dialect) {
            case SQLITE -> {
                // a deferred transaction: its first read fixes the snapshot (WAL mode) until the commit
            }
            case POSTGRESQL, MYSQL -> {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
            }
        }
    }

    // ---- import ----------------------------------------------------------------------------------

    @Override
    public BackupSummary importFrom(InputStream in, BackupListener listener) throws IOException {
        requireNonNull(in, "in is null");
        requireNonNull(listener, "listener is null");
        LineCounter lines = new LineCounter();
        GZIPInputStream gzip;
        try {
            gzip = new GZIPInputStream(new KeptOpenInput(in), 1 << 16);
        } catch (IOException e) {
            throw corrupt(1, "it is not a Slipway store backup (" + e.getMessage() + ")", e);
        }
        try (gzip; JsonParser parser = json.createParser(gzip)) {
            Header header;
            try {
                header = readHeader(parser);
            } catch (IOException e) {
                throw corrupt(lines.of(e), "it is not a Slipway store backup (" + e.getMessage() + ")", e);
            }
            lines.parser = parser;
            return importFrom(parser, header, lines, listener);
        }
    }

    private BackupSummary importFrom(JsonParser parser, Header header, LineCounter lines, BackupListener listener) {
        try (Connection connection = dataSource.getConnection()) {
            checkSchemaVersion(header, schemaVersion(connection));
            boolean replaceDefaultExperiment = checkEmpty(connection);
            connection.setAutoCommit(false);
            try {
                if (replaceDefaultExperiment) {
                    try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("DELETE FROM experiments WHERE experiment_id = "
                                + DEFAULT_EXPERIMENT_ID);
                    }
                }
                Trailer trailer = importRows(parser, header, connection, listener);
                switch (dialect) {
                    case SQLITE, POSTGRESQL -> {
                        setNextIds(connection, header, trailer);
                        connection.commit();
                    }
                    case MYSQL -> {
                        connection.commit();
                        // ALTER TABLE commits by itself, so it comes after the rows are in
                        setNextIds(connection, header, trailer);
                    }
                }
                return new BackupSummary(header.formatVersion(), header.schemaVersion(), header.sourceDatabase(),
                        header.tables().stream()
                                .map(table -> new BackupSummary.TableRows(table.table().name(), table.rows()))
                                .toList());
            } catch (SQLException | IOException | RuntimeException e) {
                RuntimeException failure = importFailure(e, lines);
                removeImportedRows(connection, failure);
                throw failure;
            } finally {
                endTransaction(connection);
            }
        } catch (SQLException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Database error while importing: " + e.getMessage(),
                    e);
        }
    }

    /** A table of the backup's header: the store's table, the backup's columns in file order, its row count. */
    private record HeaderTable(Table table, List<Column> columns, long rows) {}

    private record Header(int formatVersion, String schemaVersion, String sourceDatabase, List<HeaderTable> tables) {}

    private record Trailer(long rows, Map<String, Long> nextIds) {}

    private Header readHeader(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("the first line is not a backup header");
        }
        String format = null;
        Integer formatVersion = null;
        String schemaVersion = null;
        String sourceDatabase = "unknown";
        List<HeaderTable> tables = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "format" -> format = text(parser, value, field);
                case "format_version" -> formatVersion = (int) integer(parser, value, field);
                case "schema_version" -> schemaVersion = text(parser, value, field);
                case "source_database" -> sourceDatabase = text(parser, value, field);
                case "tables" -> tables = readHeaderTables(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (!FORMAT.equals(format)) {
            throw new IOException("its header names no format '" + FORMAT + "'");
        }
        if (formatVersion == null || schemaVersion == null || tables == null) {
            throw new IOException("its header lacks format_version, schema_version or tables");
        }
        if (formatVersion > FORMAT_VERSION) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, "The backup has format version "
                    + formatVersion + ", newer than this Slipway version reads (" + FORMAT_VERSION + "): import it "
                    + "with the Slipway version that made it, or a newer one");
        }
        return new Header(formatVersion, schemaVersion, sourceDatabase, List.copyOf(tables));
    }

    private List<HeaderTable> readHeaderTables(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("its header's tables are not a list");
        }
        List<HeaderTable> tables = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            long rows = -1;
            List<String[]> columns = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "name" -> name = text(parser, token, field);
                    case "rows" -> rows = integer(parser, token, field);
                    case "columns" -> {
                        if (token != JsonToken.START_ARRAY) {
                            throw new IOException("the columns of a table in its header are not a list");
                        }
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            String[] column = new String[2];
                            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                String key = parser.currentName();
                                JsonToken columnToken = parser.nextToken();
                                switch (key) {
                                    case "name" -> column[0] = text(parser, columnToken, key);
                                    case "type" -> column[1] = text(parser, columnToken, key);
                                    default -> parser.skipChildren();
                                }
                            }
                            columns.add(column);
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (name == null || rows < 0 || columns.isEmpty()) {
                throw new IOException("a table in its header lacks name, rows or columns");
            }
            if (!seen.add(name)) {
                throw new IOException("its header lists table '" + name + "' twice");
            }
            tables.add(headerTable(name, rows, columns));
        }
        return tables;
    }

    private static HeaderTable headerTable(String name, long rows, List<String[]> columns) throws IOException {
        Table table = BackupTables.byName(name).orElseThrow(() -> new SlipwayException(
                ErrorCode.INVALID_PARAMETER_VALUE, "The backup has table '" + name + "', which this Slipway "
                        + "version does not know: import it with the Slipway version that made it, or a newer one"));
        List<Column> fileColumns = new ArrayList<>();
        for (String[] column : columns) {
            if (column[0] == null || column[1] == null) {
                throw new IOException("a column of table '" + name + "' in its header lacks name or type");
            }
            Column known = table.columns().stream().filter(candidate -> candidate.name().equals(column[0]))
                    .findFirst().orElseThrow(() -> new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                            "The backup has column '" + column[0] + "' of table '" + name + "', which this Slipway "
                                    + "version does not know: import it with the Slipway version that made it, or a "
                                    + "newer one"));
            if (ColumnType.fromWire(column[1]).filter(type -> type == known.type()).isEmpty()) {
                throw new IOException("column '" + column[0] + "' of table '" + name + "' has type '" + column[1]
                        + "', expected '" + known.type().wireName() + "'");
            }
            fileColumns.add(known);
        }
        return new HeaderTable(table, fileColumns, rows);
    }

    private static void checkSchemaVersion(Header header, String storeVersion) {
        if (compareVersions(header.schemaVersion(), storeVersion) > 0) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, "The backup comes from a store with schema "
                    + "version " + header.schemaVersion() + ", newer than this store's (" + storeVersion + "): import "
                    + "it with the Slipway version that made it, or a newer one");
        }
    }

    /** Compares Flyway versions such as {@code 8} and {@code 9.1} part by part, numerically. */
    static int compareVersions(String left, String right) {
        String[] leftParts = left.split("\\.");
        String[] rightParts = right.split("\\.");
        for (int index = 0; index < Math.max(leftParts.length, rightParts.length); index++) {
            long leftPart = index < leftParts.length ? parseVersionPart(leftParts[index]) : 0;
            long rightPart = index < rightParts.length ? parseVersionPart(rightParts[index]) : 0;
            if (leftPart != rightPart) {
                return Long.compare(leftPart, rightPart);
            }
        }
        return 0;
    }

    private static long parseVersionPart(String part) {
        try {
            return Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
            throw SlipwayException.invalidParameter("Invalid schema version part '%s'", part);
        }
    }

    /**
     * Refuses a store with rows, but for the Default experiment a server creates on start (alone, without runs),
     * which the import replaces.
     *
     * @return whether the store holds just that Default experiment
     */
    private boolean checkEmpty(Connection connection) throws SQLException {
        List<String> withRows = new ArrayList<>();
        for (Table table : BackupTables.TABLES) {
            try (Statement statement = connection.createStatement();
                    ResultSet resultSet = statement.executeQuery("SELECT 1 FROM " + table.name() + " LIMIT 1")) {
                if (resultSet.next()) {
                    withRows.add(table.name());
                }
            }
        }
        if (withRows.isEmpty()) {
            return false;
        }
        if (withRows.equals(List.of("experiments")) && countRows(connection, "experiments") == 1
                && queryString(connection, "SELECT name FROM experiments WHERE experiment_id = "
                + DEFAULT_EXPERIMENT_ID).filter(DEFAULT_EXPERIMENT_NAME::equals).isPresent()) {
            return true;
        }
        throw new SlipwayException(ErrorCode.INVALID_STATE, "The store is not empty (table(s) " + quoted(withRows)
                + " have rows): import only into an empty store, such as a new database or a new SQLite file. "
                + "Nothing was imported.");
    }

    private Trailer importRows(JsonParser parser, Header header, Connection connection, BackupListener listener)
            throws SQLException, IOException {
        listener.totalRows(header.tables().stream().mapToLong(HeaderTable::rows).sum());
        int tableIndex = -1;
        boolean deferCommits = false;
        TableImport current = null;
        while (true) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new IOException("the backup ends before its end line: it is truncated");
            }
            if (token != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
                throw new IOException("expected a row or the end line");
            }
            String field = parser.currentName();
            if (field.equals("end")) {
                if (current != null) {
                    current.finish();
                }
                for (int index = tableIndex + 1; index < header.tables().size(); index++) {
                    checkComplete(header.tables().get(index), 0);
                }
                Trailer trailer = readTrailer(parser);
                if (parser.nextToken() != null) {
                    throw new IOException("there is more after the end line");
                }
                long total = header.tables().stream().mapToLong(HeaderTable::rows).sum();
                if (trailer.rows() != total) {
                    throw new IOException("the end line counts " + trailer.rows() + " rows, the header " + total);
                }
                return trailer;
            }
            if (!field.equals("table")) {
                throw new IOException("expected a row or the end line, found field '" + field + "'");
            }
            String name = text(parser, parser.nextToken(), "table");
            if (current == null || !current.table.table().name().equals(name)) {
                if (current != null) {
                    current.finish();
                }
                int next = tableIndex + 1;
                while (next < header.tables().size() && !header.tables().get(next).table().name().equals(name)) {
                    checkComplete(header.tables().get(next), 0);
                    next++;
                }
                if (next == header.tables().size()) {
                    throw new IOException("a row of table '" + name + "' comes after that table's rows, or the "
                            + "header does not list the table");
                }
                tableIndex = next;
                // rows of an append-only table cannot be deleted again: they commit only with the end line
                deferCommits |= header.tables().get(next).table().appendOnly();
                current = new TableImport(connection, header.tables().get(next), !deferCommits, listener);
            }
            if (parser.nextToken() != JsonToken.FIELD_NAME || !parser.currentName().equals("values")
                    || parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected the values of a row of table '" + name + "'");
            }
            current.add(parser);
            if (parser.nextToken() != JsonToken.END_OBJECT) {
                throw new IOException("expected the end of a row of table '" + name + "'");
            }
        }
    }

    private static void checkComplete(HeaderTable table, long rows) throws IOException {
        if (rows != table.rows()) {
            throw new IOException("table '" + table.table().name() + "' has " + rows + " rows in the backup, its "
                    + "header announces " + table.rows());
        }
    }

    private static Trailer readTrailer(JsonParser parser) throws IOException {
        if (!FORMAT.equals(text(parser, parser.nextToken(), "end"))) {
            throw new IOException("the end line names another format");
        }
        long rows = -1;
        Map<String, Long> nextIds = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "rows" -> rows = integer(parser, value, field);
                case "next_ids" -> {
                    if (value != JsonToken.START_OBJECT) {
                        throw new IOException("next_ids of the end line is not an object");
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String key = parser.currentName();
                        nextIds.put(key, integer(parser, parser.nextToken(), key));
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || rows < 0) {
            throw new IOException("the end line is incomplete");
        }
        return new Trailer(rows, nextIds);
    }

    /** The rows of one table being inserted, a batch (one transaction) at a time. */
    private final class TableImport {
        private final Connection connection;
        private final HeaderTable table;
        private final BackupListener listener;
        private final boolean commitBatches;
        private final PreparedStatement insert;
        private long rows;
        private int batchRows;
        private long batchChars;

        /** @param commitBatches whether each batch commits; else the rows commit with the import's end */
        TableImport(Connection connection, HeaderTable table, boolean commitBatches, BackupListener listener)
                throws SQLException {
            this.connection = connection;
            this.table = table;
            this.commitBatches = commitBatches;
            this.listener = listener;
            List<String> names = table.columns().stream().map(Column::name).toList();
            this.insert = connection.prepareStatement("INSERT INTO " + table.table().name() + " ("
                    + String.join(", ", names) + ") VALUES (" + String.join(", ", Collections.nCopies(names.size(),
                    "?")) + ")");
        }

        /** Binds the values the parser stands on (just after the array's start) and adds the row to the batch. */
        void add(JsonParser parser) throws IOException, SQLException {
            List<Column> columns = table.columns();
            for (int index = 0; index < columns.size(); index++) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    throw new IOException("a row of table '" + table.table().name() + "' has " + index
                            + " values, expected " + columns.size());
                }
                batchChars += bind(parser, token, index + 1, columns.get(index));
            }
            if (parser.nextToken() != JsonToken.END_ARRAY) {
                throw new IOException("a row of table '" + table.table().name() + "' has more than "
                        + columns.size() + " values");
            }
            insert.addBatch();
            rows++;
            if (rows > table.rows()) {
                throw new IOException("table '" + table.table().name() + "' has more rows than its header announces ("
                        + table.rows() + ")");
            }
            batchRows++;
            batchChars += columns.size();
            if (batchRows >= BATCH_ROWS || batchChars >= BATCH_CHARS) {
                flush();
            }
        }

        /** Binds one value; returns its size in characters (or bytes), for the batch limit. */
        private long bind(JsonParser parser, JsonToken token, int position, Column column)
                throws IOException, SQLException {
            if (token == JsonToken.VALUE_NULL) {
                insert.setNull(position, switch (column.type()) {
                    case TEXT -> Types.VARCHAR;
                    case BIGINT -> Types.BIGINT;
                    case INTEGER -> Types.INTEGER;
                    case DOUBLE -> Types.DOUBLE;
                    case BOOLEAN -> Types.BOOLEAN;
                    case BYTES -> Types.BINARY;
                });
                return 0;
            }
            String culprit = "column '" + column.name() + "' of table '" + table.table().name() + "'";
            switch (column.type()) {
                case TEXT -> {
                    String text = text(parser, token, culprit);
                    insert.setString(position, text);
                    return text.length();
                }
                case BIGINT -> {
                    insert.setLong(position, integer(parser, token, culprit));
                    return 8;
                }
                case INTEGER -> {
                    long number = integer(parser, token, culprit);
                    if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
                        throw new IOException(culprit + " has the value " + number + ", out of its range");
                    }
                    insert.setInt(position, (int) number);
                    return 4;
                }
                case DOUBLE -> {
                    double number;
                    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                        number = parser.getDoubleValue();
                    } else if (token == JsonToken.VALUE_STRING && List.of("NaN", "Infinity", "-Infinity")
                            .contains(parser.getText())) {
                        number = Double.parseDouble(parser.getText());
                    } else {
                        throw new IOException(culprit + " is not a number");
                    }
                    insert.setDouble(position, number);
                    return 8;
                }
                case BOOLEAN -> {
                    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                        throw new IOException(culprit + " is not true or false");
                    }
                    insert.setBoolean(position, token == JsonToken.VALUE_TRUE);
                    return 1;
                }
                case BYTES -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw new IOException(culprit + " is not a base64 string");
                    }
                    byte[] bytes = parser.getBinaryValue();
                    insert.setBytes(position, bytes);
                    return bytes.length;
                }
            }
            throw new IllegalStateException("unreachable");
        }

        private void flush() throws SQLException {
            if (batchRows == 0) {
                return;
            }
            try {
                insert.executeBatch();
            } catch (BatchUpdateException e) {
                SQLException cause = e.getNextException() != null ? e.getNextException() : e;
                throw new SQLException("the database rejected rows of table '" + table.table().name() + "': "
                        + cause.getMessage(), cause.getSQLState(), cause);
            }
            if (commitBatches) {
                connection.commit();
            }
            listener.rows(table.table().name(), batchRows);
            batchRows = 0;
            batchChars = 0;
        }

        void finish() throws SQLException, IOException {
            flush();
            insert.close();
            checkComplete(table, rows);
        }
    }

    /**
     * Sets each id sequence after the imported rows: to the next id the backup recorded, or past the largest id, so
     * that new rows neither collide with imported ones nor reuse ids of rows deleted before the export.
     */
    private void setNextIds(Connection connection, Header header, Trailer trailer) throws SQLException {
        for (HeaderTable headerTable : header.tables()) {
            Table table = headerTable.table();
            Optional<Column> identity = table.identity();
            if (identity.isEmpty()) {
                continue;
            }
            String column = identity.get().name();
            long largest = queryLong(connection, "SELECT COALESCE(MAX(" + column + "), 0) FROM " + table.name())
                    .orElse(0L);
            long next = Math.max(Math.max(largest + 1, 1),
                    trailer.nextIds().getOrDefault(table.name() + "." + column, 0L));
            switch (dialect) {
                case SQLITE -> {
                    long current = queryLong(connection, "SELECT seq FROM sqlite_sequence WHERE name = ?",
                            table.name()).orElse(-1L);
                    if (current < 0) {
                        update(connection, "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table.name(),
                                next - 1);
                    } else if (current < next - 1) {
                        update(connection, "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", next - 1,
                                table.name());
                    }
                }
                case POSTGRESQL -> queryLong(connection, "SELECT setval(pg_get_serial_sequence(?, ?), ?, false)",
                        table.name(), column, next);
                case MYSQL -> {
                    // inserting explicit ids already moved the counter past the largest; only a gap needs DDL
                    if (next > largest + 1) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("ALTER TABLE " + table.name() + " AUTO_INCREMENT = " + next);
                        }
                    }
                }
            }
        }
    }

    /**
     * Deletes every row an import committed (the store was empty before), recording a failure to do so. Rows of
     * append-only tables were never committed: the rollback takes them back.
     */
    private void removeImportedRows(Connection connection, RuntimeException failure) {
        try {
            connection.rollback();
            List<Table> tables = BackupTables.TABLES.stream().filter(table -> !table.appendOnly()).toList();
            try (Statement statement = connection.createStatement()) {
                switch (dialect) {
                    case POSTGRESQL -> statement.executeUpdate("TRUNCATE " + String.join(", ",
                            tables.stream().map(Table::name).toList()));
                    case SQLITE, MYSQL -> {
                        List<Table> reversed = new ArrayList<>(tables);
                        Collections.reverse(reversed);
                        for (Table table : reversed) {
                            statement.executeUpdate("DELETE FROM " + table.name());
                        }
                    }
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException cleanupFailure) {
            failure.addSuppressed(cleanupFailure);
            failure.addSuppressed(new IllegalStateException("Removing the rows imported before the failure failed "
                    + "too; drop the store's database (or SQLite file) and create it again"));
        }
    }

    private static RuntimeException importFailure(Exception e, LineCounter lines) {
        if (e instanceof SlipwayException slipway) {
            return slipway;
        }
        String rowsRemoved = "; nothing was imported (the rows imported before were removed)";
        if (e instanceof IOException io) {
            return corrupt(lines.of(io), io.getMessage() + rowsRemoved, io);
        }
        if (e instanceof SQLException sql) {
            return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, "Cannot import the backup (near line "
                    + lines.of(null) + "): " + sql.getMessage() + rowsRemoved, sql);
        }
        return (RuntimeException) e;
    }

    private static SlipwayException corrupt(long line, String reason, Throwable cause) {
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, "The backup is truncated or corrupt (line "
                + line + "): " + reason, cause);
    }

    /** The line the parser stands on, for messages. */
    private static final class LineCounter {
        private JsonParser parser;

        long of(IOException failure) {
            if (failure instanceof JsonProcessingException processing
                    && processing.getLocation() != null) {
                return processing.getLocation().getLineNr();
            }
            return parser == null ? 1 : parser.currentLocation().getLineNr();
        }
    }

    // ---- shared -----------------------------------------------------------------------------------

    /** The caller's stream, which closing the gzip stream around it must not close. */
    private static final class KeptOpenOutput extends FilterOutputStream {
        KeptOpenOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** The caller's stream, which closing the gzip stream around it must not close. */
    private static final class KeptOpenInput extends FilterInputStream {
        KeptOpenInput(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller closes its stream
        }
    }

    private static String text(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new IOException(what + " is not a string");
        }
        return parser.getText();
    }

    private static long integer(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException(what + " is not an integer");
        }
        return parser.getLongValue();
    }

    private static void endTransaction(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // the pool discards a connection it cannot reset
        }
    }

    private static Optional<Long> queryLong(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bindAll(statement, List.of(values));
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    return Optional.empty();
                }
                long value = resultSet.getLong(1);
                return resultSet.wasNull() ? Optional.empty() : Optional.of(value);
            }
        }
    }

    private static Optional<String> queryString(Connection connection, String sql, Object... values)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bindAll(statement, List.of(values));
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next() ? Optional.ofNullable(resultSet.getString(1)) : Optional.empty();
            }
        }
    }

    private static void update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bindAll(statement, List.of(values));
            statement.executeUpdate();
        }
    }

    private static String quoted(Collection<String> names) {
        return names.stream().map(name -> "'" + name + "'").reduce((left, right) -> left + ", " + right).orElse("");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dataSource.close();
        }
    }
}
