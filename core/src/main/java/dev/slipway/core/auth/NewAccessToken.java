package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

/**
 * A token just created: its metadata and its secret, which exists only here and is shown to the user once.
 * {@link #toString()} leaves the secret out.
 */
public record NewAccessToken(AccessToken token, String secret) {
    public NewAccessToken {
        requireNonNull(token, "token is null");
        requireNonNull(secret, "secret is null");
    }

    @Override
    public String toString() {
        return "NewAccessToken[token=" + token + ", secret=<redacted>]";
    }
}
