package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What is known of a personal access token besides its secret, which is stored only as a hash.
 *
 * @param tokenId the public id of the token, used to list and revoke it
 * @param username the user the token acts as
 * @param name what the user called it, such as "ci pipeline"
 * @param creationTime epoch ms
 * @param expirationTime epoch ms after which the token is refused; absent for a token that does not expire
 */
public record AccessToken(String tokenId, String username, String name, long creationTime,
        Optional<Long> expirationTime) {
    public AccessToken {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(username, "username is null");
        requireNonNull(name, "name is null");
        requireNonNull(expirationTime, "expirationTime is null");
    }

    /** Whether the token is expired at the time (epoch ms). */
    public boolean isExpiredAt(long time) {
        return expirationTime.isPresent() && time >= expirationTime.get();
    }
}
