package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/** A registered model: a named series of model versions. Times are epoch ms; tags by key, aliases by alias. */
public record RegisteredModel(String name, long creationTimestamp, long lastUpdatedTimestamp,
        Optional<String> description, List<Tag> tags, List<ModelAlias> aliases) {
    public RegisteredModel {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
    }

    /** MLflow's RESOURCE_DOES_NOT_EXIST error for a missing registered model. */
    public static SlipwayException notFound(String name) {
        return SlipwayException.notFound("Registered Model with name=%s not found", name);
    }

    /** MLflow's RESOURCE_ALREADY_EXISTS error for a taken name. */
    public static SlipwayException alreadyExists(String name) {
        return SlipwayException.alreadyExists("Registered Model (name=%s) already exists.", name);
    }
}
