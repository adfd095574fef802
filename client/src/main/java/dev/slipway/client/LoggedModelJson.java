package dev.slipway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelInfo;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.tracking.LifecycleStage;
import java.util.Locale;

/**
 * Decodes MLflow 3's {@code LoggedModel} JSON ({@code {info{...}, data{params[], metrics[]}}}) into the core records:
 * snake_case fields, int64 as numbers or strings, the status by its wire name ({@code LOGGED_MODEL_READY}), its short
 * name or its number. MLflow's wire format does not say whether a model is deleted, so a model reads as ACTIVE unless
 * the server sends a {@code lifecycle_stage}. Unknown fields are ignored.
 */
public final class LoggedModelJson {
    private LoggedModelJson() {}

    public static LoggedModel loggedModel(JsonNode node) {
        if (!node.isObject()) {
            throw TrackingJson.malformed("model");
        }
        JsonNode data = node.path("data");
        return new LoggedModel(info(node.path("info")),
                TrackingJson.list(data.path("params"), TrackingJson::param),
                TrackingJson.list(data.path("metrics"), LoggedModelJson::metric));
    }

    public static LoggedModelInfo info(JsonNode node) {
        return new LoggedModelInfo(
                TrackingJson.requiredText(node, "model_id"),
                TrackingJson.requiredText(node, "experiment_id"),
                TrackingJson.optionalText(node, "name").orElse(""),
                TrackingJson.optionalLong(node, "creation_timestamp_ms").orElse(0L),
                TrackingJson.optionalLong(node, "last_updated_timestamp_ms").orElse(0L),
                TrackingJson.optionalText(node, "artifact_uri").orElse(""),
                TrackingJson.optionalText(node, "status").map(LoggedModelJson::status)
                        .orElse(LoggedModelStatus.PENDING),
                TrackingJson.optionalLong(node, "creator_id"),
                TrackingJson.optionalText(node, "model_type").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "source_run_id").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "status_message").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "lifecycle_stage").map(LoggedModelJson::lifecycleStage)
                        .orElse(LifecycleStage.ACTIVE),
                TrackingJson.list(node.path("tags"), TrackingJson::tag),
                TrackingJson.list(node.path("registrations"), registration -> new ModelRegistration(
                        TrackingJson.requiredText(registration, "name"),
                        TrackingJson.requiredText(registration, "version"))));
    }

    public static LoggedModelMetric metric(JsonNode node) {
        return new LoggedModelMetric(
                TrackingJson.requiredText(node, "key"),
                TrackingJson.metric(node).value(),
                TrackingJson.optionalLong(node, "timestamp").orElse(0L),
                TrackingJson.optionalLong(node, "step").orElse(0L),
                TrackingJson.optionalText(node, "run_id").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "dataset_name").filter(value -> !value.isEmpty()),
                TrackingJson.optionalText(node, "dataset_digest").filter(value -> !value.isEmpty()));
    }

    private static LoggedModelStatus status(String value) {
        try {
            return LoggedModelStatus.parse(value);
        } catch (SlipwayException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: unknown logged model status '" + value + "'");
        }
    }

    private static LifecycleStage lifecycleStage(String value) {
        try {
            return LifecycleStage.fromWire(value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: unknown lifecycle_stage '" + value + "'");
        }
    }
}
