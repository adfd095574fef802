package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** SQL text built in pieces together with the values of its {@code ?} placeholders, in order. */
final class Sql {
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

    @Override
    public String toString() {
        return text + " " + values;
    }
}
