package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.AccessToken;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.ExperimentPermission;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.RegisteredModelPermission;
import dev.slipway.core.auth.StoredUser;
import dev.slipway.core.auth.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AuthStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the tables {@code users},
 * {@code experiment_permissions}, {@code registered_model_permissions} and {@code access_tokens} (migration V9), and
 * the failed logins the replicas of a server share, {@code login_failures} (V12). User ids are the highest one plus
 * one, taken in the creating transaction: a concurrent creation that took the same id fails on the key and is retried
 * by {@link Transactions}. Thread-safe; owns its pool.
 */
final class JdbcAuthStore implements AuthStore {
    private static final String SELECT_USER = "SELECT user_id, username, password_hash, is_admin FROM users";
    private static final String SELECT_EXPERIMENT_PERMISSION = "SELECT p.experiment_id, p.user_id, u.username, "
            + "p.permission FROM experiment_permissions p JOIN users u ON u.user_id = p.user_id";
    private static final String SELECT_MODEL_PERMISSION = "SELECT p.name, p.user_id, u.username, p.permission "
            + "FROM registered_model_permissions p JOIN users u ON u.user_id = p.user_id";
    private static final String SELECT_TOKEN = "SELECT t.token_id, u.username, t.name, t.creation_time_ms, "
            + "t.expiration_time_ms FROM access_tokens t JOIN users u ON u.user_id = t.user_id";

    private final Transactions transactions;
    private final String upsertExperimentPermission;
    private final String upsertModelPermission;

    JdbcAuthStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.upsertExperimentPermission = transactions.dialect().upsert("experiment_permissions",
                List.of("experiment_id", "user_id", "permission"), List.of("experiment_id", "user_id"),
                List.of("permission"));
        this.upsertModelPermission = transactions.dialect().upsert("registered_model_permissions",
                List.of("name", "user_id", "permission"), List.of("name", "user_id"), List.of("permission"));
    }

    // ---- users ---------------------------------------------------------------------------------

    @Override
    public User createUser(String username, String passwordHash, boolean admin, long creationTime) {
        requireNonNull(username, "username is null");
        requireNonNull(passwordHash, "passwordHash is null");
        return write("creating user '" + username + "'", connection -> {
            if (userId(connection, username).isPresent()) {
                throw SlipwayException.alreadyExists("User '%s' already exists", username);
            }
            long userId;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT COALESCE(MAX(user_id), 0) + 1 FROM users");
                    ResultSet resultSet = statement.executeQuery()) {
                resultSet.next();
                userId = resultSet.getLong(1);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO users (user_id, username, "
                    + "password_hash, is_admin, creation_time_ms) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, userId);
                insert.setString(2, username);
                insert.setString(3, passwordHash);
                insert.setBoolean(4, admin);
                insert.setLong(5, creationTime);
                insert.executeUpdate();
            }
            return new User(userId, username, admin);
        });
    }

    @Override
    public Optional<StoredUser> user(String username) {
        requireNonNull(username, "username is null");
        Sql query = new Sql().append(SELECT_USER).append(" WHERE username = ").bind(username);
        return transactions.read("reading user '" + username + "'", connection -> {
            List<StoredUser> found = new ArrayList<>(1);
            Sql.forEachRow(connection, query, resultSet -> found.add(new StoredUser(user(resultSet),
                    resultSet.getString("password_hash"))));
            return found.stream().findFirst();
        });
    }

    @Override
    public List<User> users() {
        Sql query = new Sql().append(SELECT_USER).append(" ORDER BY username");
        return transactions.read("listing users", connection -> {
            List<User> users = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> users.add(user(resultSet)));
            return List.copyOf(users);
        });
    }

    @Override
    public boolean hasAdmin() {
        return transactions.read("looking for an administrator", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT 1 FROM users WHERE is_admin = ?")) {
                statement.setBoolean(1, true);
                statement.setMaxRows(1);
                try (ResultSet resultSet = statement.executeQuery()) {
                    return resultSet.next();
                }
            }
        });
    }

    @Override
    public void updatePassword(String username, String passwordHash) {
        requireNonNull(passwordHash, "passwordHash is null");
        updateUser(username, "password_hash = ?", statement -> statement.setString(1, passwordHash),
                "changing the password of user '" + username + "'");
    }

    @Override
    public void updateAdmin(String username, boolean admin) {
        updateUser(username, "is_admin = ?", statement -> statement.setBoolean(1, admin),
                "changing whether user '" + username + "' is an administrator");
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private void updateUser(String username, String assignment, Binder binder, String action) {
        requireNonNull(username, "username is null");
        write(action, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET " + assignment
                    + " WHERE username = ?")) {
                binder.bind(update);
                update.setString(2, username);
                if (update.executeUpdate() == 0) {
                    throw userNotFound(username);
                }
            }
            return null;
        });
    }

    @Override
    public void deleteUser(String username) {
        requireNonNull(username, "username is null");
        write("deleting user '" + username + "'", connection -> {
            long userId = userId(connection, username).orElseThrow(() -> userNotFound(username));
            // the foreign keys cascade too; deleting here does not depend on SQLite's foreign_keys pragma
            for (String table : List.of("experiment_permissions", "registered_model_permissions", "access_tokens",
                    "users")) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                        + " WHERE user_id = ?")) {
                    delete.setLong(1, userId);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- experiment permissions ----------------------------------------------------------------

    @Override
    public ExperimentPermission createExperimentPermission(String experimentId, String username,
            Permission permission) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(permission, "permission is null");
        return write("giving user '" + username + "' a permission on experiment " + experimentId,
                connection -> {
                    long userId = userId(connection, username).orElseThrow(() -> userNotFound(username));
                    if (experimentPermission(connection, experimentId, username).isPresent()) {
                        throw SlipwayException.alreadyExists("Experiment permission (experiment_id=%s, username=%s) "
                                + "already exists", experimentId, username);
                    }
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO experiment_permissions "
                            + "(experiment_id, user_id, permission) VALUES (?, ?, ?)")) {
                        insert.setString(1, experimentId);
                        insert.setLong(2, userId);
                        insert.setString(3, permission.name());
                        insert.executeUpdate();
                    }
                    return new ExperimentPermission(experimentId, userId, username, permission);
                });
    }

    @Override
    public ExperimentPermission setExperimentPermission(String experimentId, String username, Permission permission) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(permission, "permission is null");
        return write("setting the permission of user '" + username + "' on experiment " + experimentId,
                connection -> {
                    long userId = userId(connection, username).orElseThrow(() -> userNotFound(username));
                    try (PreparedStatement upsert = connection.prepareStatement(upsertExperimentPermission)) {
                        upsert.setString(1, experimentId);
                        upsert.setLong(2, userId);
                        upsert.setString(3, permission.name());
                        upsert.executeUpdate();
                    }
                    return new ExperimentPermission(experimentId, userId, username, permission);
                });
    }

    @Override
    public Optional<ExperimentPermission> experimentPermission(String experimentId, String username) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(username, "username is null");
        return transactions.read("reading a permission on experiment " + experimentId,
                connection -> experimentPermission(connection, experimentId, username));
    }

    @Override
    public List<ExperimentPermission> experimentPermissionsOfUser(String username) {
        requireNonNull(username, "username is null");
        return experimentPermissions(new Sql().append(SELECT_EXPERIMENT_PERMISSION).append(" WHERE u.username = ")
                .bind(username).append(" ORDER BY p.experiment_id"), "reading the permissions of user '" + username
                + "'");
    }

    @Override
    public List<ExperimentPermission> experimentPermissions(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        return experimentPermissions(new Sql().append(SELECT_EXPERIMENT_PERMISSION).append(" WHERE p.experiment_id = ")
                .bind(experimentId).append(" ORDER BY u.username"), "reading the permissions on experiment "
                + experimentId);
    }

    @Override
    public ExperimentPermission updateExperimentPermission(String experimentId, String username,
            Permission permission) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(permission, "permission is null");
        return write("changing the permission of user '" + username + "' on experiment " + experimentId,
                connection -> {
                    ExperimentPermission existing = experimentPermission(connection, experimentId, username)
                            .orElseThrow(() -> experimentPermissionNotFound(experimentId, username));
                    try (PreparedStatement update = connection.prepareStatement("UPDATE experiment_permissions "
                            + "SET permission = ? WHERE experiment_id = ? AND user_id = ?")) {
                        update.setString(1, permission.name());
                        update.setString(2, experimentId);
                        update.setLong(3, existing.userId());
                        update.executeUpdate();
                    }
                    return new ExperimentPermission(experimentId, existing.userId(), username, permission);
                });
    }

    @Override
    public void deleteExperimentPermission(String experimentId, String username) {
        requireNonNull(experimentId, "experimentId is null");
        write("removing the permission of user '" + username + "' on experiment " + experimentId,
                connection -> {
                    ExperimentPermission existing = experimentPermission(connection, experimentId, username)
                            .orElseThrow(() -> experimentPermissionNotFound(experimentId, username));
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM experiment_permissions "
                            + "WHERE experiment_id = ? AND user_id = ?")) {
                        delete.setString(1, experimentId);
                        delete.setLong(2, existing.userId());
                        delete.executeUpdate();
                    }
                    return null;
                });
    }

    @Override
    public void deleteExperimentPermissions(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        write("removing the permissions on experiment " + experimentId, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM experiment_permissions WHERE experiment_id = ?")) {
                delete.setString(1, experimentId);
                delete.executeUpdate();
            }
            return null;
        });
    }

    // ---- registered model permissions ----------------------------------------------------------

    @Override
    public RegisteredModelPermission createRegisteredModelPermission(String name, String username,
            Permission permission) {
        requireNonNull(name, "name is null");
        requireNonNull(permission, "permission is null");
        return write("giving user '" + username + "' a permission on registered model '" + name + "'",
                connection -> {
                    long userId = userId(connection, username).orElseThrow(() -> userNotFound(username));
                    if (modelPermission(connection, name, username).isPresent()) {
                        throw SlipwayException.alreadyExists("Registered model permission (name=%s, username=%s) "
                                + "already exists", name, username);
                    }
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO "
                            + "registered_model_permissions (name, user_id, permission) VALUES (?, ?, ?)")) {
                        insert.setString(1, name);
                        insert.setLong(2, userId);
                        insert.setString(3, permission.name());
                        insert.executeUpdate();
                    }
                    return new RegisteredModelPermission(name, userId, username, permission);
                });
    }

    @Override
    public RegisteredModelPermission setRegisteredModelPermission(String name, String username,
            Permission permission) {
        requireNonNull(name, "name is null");
        requireNonNull(permission, "permission is null");
        return write("setting the permission of user '" + username + "' on registered model '" + name
                + "'", connection -> {
                    long userId = userId(connection, username).orElseThrow(() -> userNotFound(username));
                    try (PreparedStatement upsert = connection.prepareStatement(upsertModelPermission)) {
                        upsert.setString(1, name);
                        upsert.setLong(2, userId);
                        upsert.setString(3, permission.name());
                        upsert.executeUpdate();
                    }
                    return new RegisteredModelPermission(name, userId, username, permission);
                });
    }

    @Override
    public Optional<RegisteredModelPermission> registeredModelPermission(String name, String username) {
        requireNonNull(name, "name is null");
        requireNonNull(username, "username is null");
        return transactions.read("reading a permission on registered model '" + name + "'",
                connection -> modelPermission(connection, name, username));
    }

    @Override
    public List<RegisteredModelPermission> registeredModelPermissionsOfUser(String username) {
        requireNonNull(username, "username is null");
        return modelPermissions(new Sql().append(SELECT_MODEL_PERMISSION).append(" WHERE u.username = ")
                .bind(username).append(" ORDER BY p.name"), "reading the permissions of user '" + username + "'");
    }

    @Override
    public List<RegisteredModelPermission> registeredModelPermissions(String name) {
        requireNonNull(name, "name is null");
        return modelPermissions(new Sql().append(SELECT_MODEL_PERMISSION).append(" WHERE p.name = ").bind(name)
                .append(" ORDER BY u.username"), "reading the permissions on registered model '" + name + "'");
    }

    @Override
    public RegisteredModelPermission updateRegisteredModelPermission(String name, String username,
            Permission permission) {
        requireNonNull(name, "name is null");
        requireNonNull(permission, "permission is null");
        return write("changing the permission of user '" + username + "' on registered model '" + name
                + "'", connection -> {
                    RegisteredModelPermission existing = modelPermission(connection, name, username)
                            .orElseThrow(() -> modelPermissionNotFound(name, username));
                    try (PreparedStatement update = connection.prepareStatement("UPDATE registered_model_permissions "
                            + "SET permission = ? WHERE name = ? AND user_id = ?")) {
                        update.setString(1, permission.name());
                        update.setString(2, name);
                        update.setLong(3, existing.userId());
                        update.executeUpdate();
                    }
                    return new RegisteredModelPermission(name, existing.userId(), username, permission);
                });
    }

    @Override
    public void deleteRegisteredModelPermission(String name, String username) {
        requireNonNull(name, "name is null");
        write("removing the permission of user '" + username + "' on registered model '" + name + "'",
                connection -> {
                    RegisteredModelPermission existing = modelPermission(connection, name, username)
                            .orElseThrow(() -> modelPermissionNotFound(name, username));
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM "
                            + "registered_model_permissions WHERE name = ? AND user_id = ?")) {
                        delete.setString(1, name);
                        delete.setLong(2, existing.userId());
                        delete.executeUpdate();
                    }
                    return null;
                });
    }

    @Override
    public void renameRegisteredModelPermissions(String name, String newName) {
        requireNonNull(name, "name is null");
        requireNonNull(newName, "newName is null");
        write("moving the permissions of registered model '" + name + "' to '" + newName + "'",
                connection -> {
                    // permissions left on the new name (from a deleted namesake) would collide with the moved ones
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM registered_model_permissions WHERE name = ?")) {
                        delete.setString(1, newName);
                        delete.executeUpdate();
                    }
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE registered_model_permissions SET name = ? WHERE name = ?")) {
                        update.setString(1, newName);
                        update.setString(2, name);
                        update.executeUpdate();
                    }
                    return null;
                });
    }

    @Override
    public void deleteRegisteredModelPermissions(String name) {
        requireNonNull(name, "name is null");
        write("removing the permissions on registered model '" + name + "'", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM registered_model_permissions WHERE name = ?")) {
                delete.setString(1, name);
                delete.executeUpdate();
            }
            return null;
        });
    }

    // ---- access tokens -------------------------------------------------------------------------

    @Override
    public void createToken(AccessToken token, String secretHash) {
        requireNonNull(token, "token is null");
        requireNonNull(secretHash, "secretHash is null");
        write("creating a token of user '" + token.username() + "'", connection -> {
            long userId = userId(connection, token.username()).orElseThrow(() -> userNotFound(token.username()));
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO access_tokens (token_id, "
                    + "secret_hash, user_id, name, creation_time_ms, expiration_time_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.tokenId());
                insert.setString(2, secretHash);
                insert.setLong(3, userId);
                insert.setString(4, token.name());
                insert.setLong(5, token.creationTime());
                if (token.expirationTime().isPresent()) {
                    insert.setLong(6, token.expirationTime().get());
                } else {
                    insert.setNull(6, Types.BIGINT);
                }
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<AccessToken> tokenBySecretHash(String secretHash) {
        requireNonNull(secretHash, "secretHash is null");
        Sql query = new Sql().append(SELECT_TOKEN).append(" WHERE t.secret_hash = ").bind(secretHash);
        return transactions.read("looking up a token", connection -> {
            List<AccessToken> found = new ArrayList<>(1);
            Sql.forEachRow(connection, query, resultSet -> found.add(token(resultSet)));
            return found.stream().findFirst();
        });
    }

    @Override
    public List<AccessToken> tokens(String username) {
        requireNonNull(username, "username is null");
        Sql query = new Sql().append(SELECT_TOKEN).append(" WHERE u.username = ").bind(username)
                .append(" ORDER BY t.creation_time_ms, t.token_id");
        return transactions.read("listing the tokens of user '" + username + "'", connection -> {
            List<AccessToken> tokens = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> tokens.add(token(resultSet)));
            return List.copyOf(tokens);
        });
    }

    @Override
    public boolean deleteToken(String username, String tokenId) {
        requireNonNull(username, "username is null");
        requireNonNull(tokenId, "tokenId is null");
        return write("revoking token '" + tokenId + "' of user '" + username + "'", connection -> {
            Optional<Long> userId = userId(connection, username);
            if (userId.isEmpty()) {
                return false;
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM access_tokens WHERE token_id = ? AND user_id = ?")) {
                delete.setString(1, tokenId);
                delete.setLong(2, userId.get());
                return delete.executeUpdate() > 0;
            }
        });
    }

    // ---- failed logins -----------------------------------------------------------------------

    @Override
    public void recordLoginFailure(String key, long time, long forgetBefore) {
        requireNonNull(key, "key is null");
        transactions.write("recording a failed login", connection -> {
            try (PreparedStatement forget = connection.prepareStatement(
                    "DELETE FROM login_failures WHERE failed_at < ?")) {
                forget.setLong(1, forgetBefore);
                forget.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO login_failures (login_key, failed_at) VALUES (?, ?)")) {
                insert.setString(1, key);
                insert.setLong(2, time);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Long> loginFailures(String key, long since, int limit) {
        requireNonNull(key, "key is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        Sql query = new Sql().append("SELECT failed_at FROM login_failures WHERE login_key = ").bind(key)
                .append(" AND failed_at >= ").bind(since).append(" ORDER BY failed_at DESC LIMIT ").bind(limit);
        return transactions.read("counting failed logins", connection -> {
            List<Long> times = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> times.add(resultSet.getLong(1)));
            return List.copyOf(times);
        });
    }

    @Override
    public void close() {
        transactions.close();
    }

    /**
     * Runs the work as one write transaction. On SQLite it first takes the database's write lock with a write that
     * changes nothing: the transactions here read before they write, and a transaction that read first cannot take
     * the lock later once another connection (another store or process on the file) has written meanwhile.
     */
    private <T> T write(String action, Transactions.SqlWork<T> work) {
        return transactions.write(action, connection -> {
            if (transactions.dialect() == Dialect.SQLITE) {
                try (PreparedStatement claim = connection.prepareStatement(
                        "UPDATE users SET is_admin = is_admin WHERE user_id = -1")) {
                    claim.executeUpdate();
                }
            }
            return work.run(connection);
        });
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static Optional<Long> userId(Connection connection, String username) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT user_id FROM users WHERE username = ?")) {
            statement.setString(1, username);
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next() ? Optional.of(resultSet.getLong(1)) : Optional.empty();
            }
        }
    }

    private static Optional<ExperimentPermission> experimentPermission(Connection connection, String experimentId,
            String username) throws SQLException {
        Sql query = new Sql().append(SELECT_EXPERIMENT_PERMISSION).append(" WHERE p.experiment_id = ")
                .bind(experimentId).append(" AND u.username = ").bind(username);
        List<ExperimentPermission> found = new ArrayList<>(1);
        Sql.forEachRow(connection, query, resultSet -> found.add(experimentPermission(resultSet)));
        return found.stream().findFirst();
    }

    private static Optional<RegisteredModelPermission> modelPermission(Connection connection, String name,
            String username) throws SQLException {
        Sql query = new Sql().append(SELECT_MODEL_PERMISSION).append(" WHERE p.name = ").bind(name)
                .append(" AND u.username = ").bind(username);
        List<RegisteredModelPermission> found = new ArrayList<>(1);
        Sql.forEachRow(connection, query, resultSet -> found.add(modelPermission(resultSet)));
        return found.stream().findFirst();
    }

    private List<ExperimentPermission> experimentPermissions(Sql query, String action) {
        return transactions.read(action, connection -> {
            List<ExperimentPermission> permissions = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> permissions.add(experimentPermission(resultSet)));
            return List.copyOf(permissions);
        });
    }

    private List<RegisteredModelPermission> modelPermissions(Sql query, String action) {
        return transactions.read(action, connection -> {
            List<RegisteredModelPermission> permissions = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> permissions.add(modelPermission(resultSet)));
            return List.copyOf(permissions);
        });
    }

    private static User user(ResultSet resultSet) throws SQLException {
        return new User(resultSet.getLong("user_id"), resultSet.getString("username"),
                resultSet.getBoolean("is_admin"));
    }

    private static ExperimentPermission experimentPermission(ResultSet resultSet) throws SQLException {
        return new ExperimentPermission(resultSet.getString(1), resultSet.getLong(2), resultSet.getString(3),
                Permission.parse(resultSet.getString(4)));
    }

    private static RegisteredModelPermission modelPermission(ResultSet resultSet) throws SQLException {
        return new RegisteredModelPermission(resultSet.getString(1), resultSet.getLong(2), resultSet.getString(3),
                Permission.parse(resultSet.getString(4)));
    }

    private static AccessToken token(ResultSet resultSet) throws SQLException {
        long expiration = resultSet.getLong(5);
        Optional<Long> expirationTime = resultSet.wasNull() ? Optional.empty() : Optional.of(expiration);
        return new AccessToken(resultSet.getString(1), resultSet.getString(2), resultSet.getString(3),
                resultSet.getLong(4), expirationTime);
    }

    private static SlipwayException userNotFound(String username) {
        return SlipwayException.notFound("User with username=%s not found", username);
    }

    private static SlipwayException experimentPermissionNotFound(String experimentId, String username) {
        return SlipwayException.notFound("Experiment permission with experiment_id=%s and username=%s not found",
                experimentId, username);
    }

    private static SlipwayException modelPermissionNotFound(String name, String username) {
        return SlipwayException.notFound("Registered model permission with name=%s and username=%s not found", name,
                username);
    }
}
