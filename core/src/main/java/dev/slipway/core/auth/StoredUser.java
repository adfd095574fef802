package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

/**
 * A user with the hash of the password, as the store keeps it. {@link #toString()} leaves the hash out, so that it
 * never reaches a log.
 *
 * @param passwordHash the {@link PasswordHasher}'s encoding of the password (salt and cost included)
 */
public record StoredUser(User user, String passwordHash) {
    public StoredUser {
        requireNonNull(user, "user is null");
        requireNonNull(passwordHash, "passwordHash is null");
    }

    @Override
    public String toString() {
        return "StoredUser[user=" + user + ", passwordHash=<redacted>]";
    }
}
