package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

/** A permission a user was given on one experiment. */
public record ExperimentPermission(String experimentId, long userId, String username, Permission permission) {
    public ExperimentPermission {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(username, "username is null");
        requireNonNull(permission, "permission is null");
    }
}
