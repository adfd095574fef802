package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

/**
 * A model version registered from a logged model ({@code model-versions/create} with its {@code model_id}): the
 * registered model's name and the version number.
 */
public record ModelRegistration(String name, String version) {
    public ModelRegistration {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
    }
}
