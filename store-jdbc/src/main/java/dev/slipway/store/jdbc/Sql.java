package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SQL text built in pieces together with the values of its {@code ?} placeholders, in order. */
final class Sql {
    /** The most values bound in one {@code IN (...)} list: well below every database's limit on placeholders. */
    private static final int IN_CHUNK = 500;

    private final StringBuilder text = new StringBuilder();
    private final List<Object> values = new ArrayList<>();

    Sql append(String fragment) {
        text.append(fragment);
        return this;
    }

    Sql append(Sql other) {
        text.append(other.text);
        values.addAll(other.values);
        return this;
    }

    /** Appends a placeholder bound to the value (a String, Long, Integer or Double). */
    Sql bind(Object value) {
        requireNonNull(value, "value is null");
        text.append('?');
        values.add(value);
        return this;
    }

    /** Appends {@code (?, ?, ...)} bound to the values; the collection must not be empty. */
    Sql bindList(Collection<?> list) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        text.append('(');
        boolean first = true;
        for (Object value : list) {
            if (!first) {
                text.append(", ");
            }
            first = false;
            bind(value);
        }
        text.append(')');
        return this;
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    String text() {
        return text.toString();
    }

    PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(text.toString());
        try {
            bindAll(statement, values);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Handles one row of a result; the result set stands on that row. */
    @FunctionalInterface
    interface RowHandler {
        void accept(ResultSet resultSet) throws SQLException;
    }

    /** Runs the query and hands each row of its result to the handler, in order. */
    static void forEachRow(Connection connection, Sql query, RowHandler handler) throws SQLException {
        try (PreparedStatement statement = query.prepare(connection); ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next()) {
                handler.accept(resultSet);
            }
        }
    }

    /** Completes the rows of a page with what they need from other tables. */
    @FunctionalInterface
    interface PageCompleter<R, T> {
        List<T> complete(List<R> rows) throws SQLException;
    }

    /**
     * The page of an offset search whose query asked for {@code maxResults + 1} rows: the extra row only tells that
     * more exist, and then the page carries the token of the next offset.
     */
    static <R, T> Page<T> offsetPage(List<R> fetched, int maxResults, long offset, PageCompleter<R, T> completer)
            throws SQLException {
        boolean more = fetched.size() > maxResults;
        List<T> items = completer.complete(more ? fetched.subList(0, maxResults) : fetched);
        return new Page<>(items, more ? Optional.of(PageToken.encode(offset + maxResults)) : Optional.empty());
    }

    /** The values in consecutive pieces small enough for one {@link #bindList} each. */
    static <T> List<List<T>> inChunks(List<T> values) {
        List<List<T>> chunks = new ArrayList<>();
        for (int start = 0; start < values.size(); start += IN_CHUNK) {
            chunks.add(values.subList(start, Math.min(values.size(), start + IN_CHUNK)));
        }
        return chunks;
    }

    static void bindAll(PreparedStatement statement, List<?> values) throws SQLException {
        for (int index = 0; index < values.size(); index++) {
            set(statement, index + 1, values.get(index));
        }
    }

    static void set(PreparedStatement statement, int position, Object value) throws SQLException {
        if (value instanceof String string) {
            statement.setString(position, string);
        } else if (value instanceof Long number) {
            statement.setLong(position, number);
        } else if (value instanceof Integer number) {
            statement.setInt(position, number);
        } else if (value instanceof Double number) {
            statement.setDouble(position, number);
        } else {
            throw new IllegalArgumentException("Unsupported bind value type: " + value.getClass());
        }
    }

    /** Sets the parameter to the string, or to a VARCHAR NULL when it is absent. */
    static void setOptional(PreparedStatement statement, int position, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            statement.setString(position, value.get());
        } else {
            statement.setNull(position, Types.VARCHAR);
        }
    }

    @Override
    public String toString() {
        return text + " " + values;
    }
}
