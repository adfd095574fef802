package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

/** A permission a user was given on one registered model, by the model's name. */
public record RegisteredModelPermission(String name, long userId, String username, Permission permission) {
    public RegisteredModelPermission {
        requireNonNull(name, "name is null");
        requireNonNull(username, "username is null");
        requireNonNull(permission, "permission is null");
    }
}
