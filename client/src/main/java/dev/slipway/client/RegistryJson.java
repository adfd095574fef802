package dev.slipway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.RegisteredModel;

/**
 * Decodes and encodes MLflow's registry JSON ({@code registered_model}, {@code model_version}) from and into the core records:
 * snake_case fields, int64 as numbers or strings, the version number as a string, stages by their wire names.
 * Unknown fields are ignored.
 */
public final class RegistryJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RegistryJson() {}

    public static RegisteredModel registeredModel(JsonNode node) {
        return new RegisteredModel(
                TrackingJson.requiredText(node, "name"),
                TrackingJson.optionalLong(node, "creation_timestamp").orElse(0L),
                TrackingJson.optionalLong(node, "last_updated_timestamp").orElse(0L),
                TrackingJson.optionalText(node, "description"),
                TrackingJson.list(node.path("tags"), TrackingJson::tag),
                TrackingJson.list(node.path("aliases"), alias -> new ModelAlias(
                        TrackingJson.requiredText(alias, "alias"), version(alias))));
    }

    public static ModelVersion modelVersion(JsonNode node) {
        return new ModelVersion(
                TrackingJson.requiredText(node, "name"),
                version(node),
                TrackingJson.optionalLong(node, "creation_timestamp").orElse(0L),
                TrackingJson.optionalLong(node, "last_updated_timestamp").orElse(0L),
                TrackingJson.optionalText(node, "user_id"),
                TrackingJson.optionalText(node, "current_stage").map(RegistryJson::stage).orElse(ModelVersionStage.NONE),
                TrackingJson.optionalText(node, "description"),
                TrackingJson.optionalText(node, "source").orElse(""),
                TrackingJson.optionalText(node, "run_id").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "run_link").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "status").map(RegistryJson::status).orElse(ModelVersionStatus.READY),
                TrackingJson.list(node.path("tags"), TrackingJson::tag),
                TrackingJson.list(node.path("aliases"), JsonNode::asText),
                TrackingJson.optionalText(node, "model_id").filter(value -> !value.isEmpty()));
    }

    /** MLflow's {@code registered_model} JSON (without {@code latest_versions}). */
    public static ObjectNode toJson(RegisteredModel model) {
        ObjectNode node = NODES.objectNode().put("name", model.name())
                .put("creation_timestamp", model.creationTimestamp())
                .put("last_updated_timestamp", model.lastUpdatedTimestamp());
        model.description().ifPresent(value -> node.put("description", value));
        if (!model.tags().isEmpty()) {
            node.set("tags", TrackingJson.tags(model.tags()));
        }
        if (!model.aliases().isEmpty()) {
            ArrayNode aliases = node.putArray("aliases");
            model.aliases().forEach(alias -> aliases.addObject().put("alias", alias.alias())
                    .put("version", String.valueOf(alias.version())));
        }
        return node;
    }

    /** MLflow's {@code model_version} JSON. */
    public static ObjectNode toJson(ModelVersion version) {
        ObjectNode node = NODES.objectNode().put("name", version.name())
                .put("version", String.valueOf(version.version()))
                .put("creation_timestamp", version.creationTimestamp())
                .put("last_updated_timestamp", version.lastUpdatedTimestamp());
        version.userId().ifPresent(value -> node.put("user_id", value));
        node.put("current_stage", version.currentStage().wireName());
        version.description().ifPresent(value -> node.put("description", value));
        node.put("source", version.source());
        version.runId().ifPresent(value -> node.put("run_id", value));
        node.put("status", version.status().name());
        version.runLink().ifPresent(value -> node.put("run_link", value));
        if (!version.tags().isEmpty()) {
            node.set("tags", TrackingJson.tags(version.tags()));
        }
        if (!version.aliases().isEmpty()) {
            ArrayNode aliases = node.putArray("aliases");
            version.aliases().forEach(aliases::add);
        }
        version.modelId().ifPresent(value -> node.put("model_id", value));
        return node;
    }

    private static long version(JsonNode node) {
        String text = TrackingJson.requiredText(node, "version");
        try {
            long version = Long.parseLong(text.trim());
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw TrackingJson.malformed("version");
    }

    private static ModelVersionStage stage(String value) {
        try {
            return ModelVersionStage.parse(value);
        } catch (SlipwayException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: unknown current_stage '" + value + "'");
        }
    }

    private static ModelVersionStatus status(String value) {
        for (ModelVersionStatus status : ModelVersionStatus.values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                "Malformed response from the tracking server: unknown model version status '" + value + "'");
    }
}
