package dev.slipway.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * MLflow's JSON for the model registry: version numbers as strings, times as JSON numbers, unset fields and empty
 * lists omitted; aliases are {@code [{alias, version}]} on a registered model and plain strings on a version.
 */
final class RegistryWireFormat {
    private RegistryWireFormat() {}

    /** A registered model with the latest version of each stage, MLflow's deprecated {@code latest_versions}. */
    static void registeredModel(JsonGenerator generator, RegisteredModel model, List<ModelVersion> latestVersions)
            throws IOException {
        generator.writeStartObject();
        generator.writeStringField("name", model.name());
        generator.writeNumberField("creation_timestamp", model.creationTimestamp());
        generator.writeNumberField("last_updated_timestamp", model.lastUpdatedTimestamp());
        optional(generator, "description", model.description());
        if (!latestVersions.isEmpty()) {
            generator.writeArrayFieldStart("latest_versions");
            for (ModelVersion version : latestVersions) {
                modelVersion(generator, version);
            }
            generator.writeEndArray();
        }
        WireFormat.tags(generator, "tags", model.tags());
        if (!model.aliases().isEmpty()) {
            generator.writeArrayFieldStart("aliases");
            for (ModelAlias alias : model.aliases()) {
                generator.writeStartObject();
                generator.writeStringField("alias", alias.alias());
                generator.writeStringField("version", Long.toString(alias.version()));
                generator.writeEndObject();
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
    }

    static void modelVersion(JsonGenerator generator, ModelVersion version) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("name", version.name());
        generator.writeStringField("version", Long.toString(version.version()));
        generator.writeNumberField("creation_timestamp", version.creationTimestamp());
        generator.writeNumberField("last_updated_timestamp", version.lastUpdatedTimestamp());
        optional(generator, "user_id", version.userId());
        generator.writeStringField("current_stage", version.currentStage().wireName());
        optional(generator, "description", version.description());
        generator.writeStringField("source", version.source());
        optional(generator, "run_id", version.runId());
        generator.writeStringField("status", version.status().name());
        WireFormat.tags(generator, "tags", version.tags());
        optional(generator, "run_link", version.runLink());
        if (!version.aliases().isEmpty()) {
            generator.writeArrayFieldStart("aliases");
            for (String alias : version.aliases()) {
                generator.writeString(alias);
            }
            generator.writeEndArray();
        }
        optional(generator, "model_id", version.modelId());
        generator.writeEndObject();
    }

    static void modelVersions(JsonGenerator generator, String field, List<ModelVersion> versions) throws IOException {
        if (versions.isEmpty()) {
            return;
        }
        generator.writeArrayFieldStart(field);
        for (ModelVersion version : versions) {
            modelVersion(generator, version);
        }
        generator.writeEndArray();
    }

    private static void optional(JsonGenerator generator, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            generator.writeStringField(field, value.get());
        }
    }
}
