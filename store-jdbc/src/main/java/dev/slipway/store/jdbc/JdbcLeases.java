package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * Leases in the table {@code leases} (migration V7): generic run-once work ownership, shared by the monitor scheduler
 * ({@code monitor:<name>}) and the garbage collector ({@code gc}). A lease is taken in one transaction: an insert that
 * skips an existing row, else an UPDATE conditional on the owner or the expiry, whose row lock decides between
 * concurrent takers; a duplicate-key race between two first inserts is retried by {@link Transactions}. Lease names
 * and owners are at most 255 characters. Thread-safe.
 */
final class JdbcLeases {
    private static final String UPDATE_LEASE = "UPDATE leases SET owner = ?, expires_ms = ? "
            + "WHERE name = ? AND (owner = ? OR expires_ms < ?)";
    private static final String SELECT_LEASE = "SELECT owner, expires_ms FROM leases WHERE name = ?";
    private static final String DELETE_LEASE = "DELETE FROM leases WHERE name = ? AND owner = ?";

    private final Transactions transactions;
    private final String insertLease;

    JdbcLeases(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.insertLease = transactions.dialect().insertIgnoringDuplicates("leases",
                List.of("name", "owner", "expires_ms"));
    }

    /** See {@link dev.slipway.core.monitors.MonitorStore#tryAcquireLease}. */
    boolean tryAcquire(String name, String owner, long now, long durationMillis) {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        if (durationMillis < 0) {
            throw new IllegalArgumentException("durationMillis is negative: " + durationMillis);
        }
        long expires = now + durationMillis;
        return transactions.write("taking lease '" + name + "'", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(insertLease)) {
                insert.setString(1, name);
                insert.setString(2, owner);
                insert.setLong(3, expires);
                if (insert.executeUpdate() > 0) {
                    return true;
                }
            }
            try (PreparedStatement update = connection.prepareStatement(UPDATE_LEASE)) {
                update.setString(1, owner);
                update.setLong(2, expires);
                update.setString(3, name);
                update.setString(4, owner);
                update.setLong(5, now);
                if (update.executeUpdate() > 0) {
                    return true;
                }
            }
            // A driver counting changed rather than matched rows reports 0 when the owner renews to the same expiry.
            try (PreparedStatement select = connection.prepareStatement(SELECT_LEASE)) {
                select.setString(1, name);
                try (ResultSet resultSet = select.executeQuery()) {
                    return resultSet.next() && resultSet.getString(1).equals(owner) && resultSet.getLong(2) == expires;
                }
            }
        });
    }

    /** See {@link dev.slipway.core.monitors.MonitorStore#releaseLease}. */
    void release(String name, String owner) {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        transactions.write("releasing lease '" + name + "'", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(DELETE_LEASE)) {
                delete.setString(1, name);
                delete.setString(2, owner);
                delete.executeUpdate();
            }
            return null;
        });
    }
}
