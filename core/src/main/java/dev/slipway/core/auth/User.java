package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

/**
 * A user of the server.
 *
 * @param id the number the store gave the user (MLflow's {@code user_id})
 * @param username the unique name the user logs in with
 * @param admin whether the user is an administrator: every permission on everything, and the user management
 */
public record User(long id, String username, boolean admin) {
    public User {
        requireNonNull(username, "username is null");
    }
}
