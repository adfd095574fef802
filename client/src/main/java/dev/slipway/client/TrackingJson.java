package dev.slipway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The MLflow REST JSON shapes of the tracking domain records, both ways: snake_case field names, int64 as
 * numbers (strings accepted), enums by name, NaN and infinities as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}, absent values omitted. Decoding ignores unknown fields.
 */
public final class TrackingJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TrackingJson() {}

    // ---- decoding --------------------------------------------------------------------------

    public static Experiment experiment(JsonNode node) {
        return new Experiment(
                requiredText(node, "experiment_id"),
                requiredText(node, "name"),
                optionalText(node, "artifact_location").orElse(""),
                optionalText(node, "lifecycle_stage").map(TrackingJson::lifecycleStage).orElse(LifecycleStage.ACTIVE),
                optionalLong(node, "creation_time").orElse(0L),
                optionalLong(node, "last_update_time").orElse(0L),
                list(node.path("tags"), TrackingJson::tag));
    }

    public static Run run(JsonNode node) {
        JsonNode data = node.path("data");
        return new Run(
                runInfo(node.path("info")),
                list(data.path("metrics"), TrackingJson::metric),
                list(data.path("params"), TrackingJson::param),
                list(data.path("tags"), TrackingJson::tag),
                list(node.path("inputs").path("dataset_inputs"), TrackingJson::datasetInput));
    }

    public static RunInfo runInfo(JsonNode node) {
        String runId = optionalText(node, "run_id").or(() -> optionalText(node, "run_uuid"))
                .orElseThrow(() -> malformed("run_id"));
        return new RunInfo(
                runId,
                requiredText(node, "experiment_id"),
                optionalText(node, "run_name").orElse(""),
                optionalText(node, "user_id").orElse(""),
                optionalText(node, "status").map(RunStatus::parse).orElse(RunStatus.RUNNING),
                optionalLong(node, "start_time").orElse(0L),
                optionalLong(node, "end_time"),
                optionalText(node, "artifact_uri").orElse(""),
                optionalText(node, "lifecycle_stage").map(TrackingJson::lifecycleStage).orElse(LifecycleStage.ACTIVE));
    }

    public static Metric metric(JsonNode node) {
        return new Metric(
                requiredText(node, "key"),
                doubleValue(node.path("value")),
                optionalLong(node, "timestamp").orElse(0L),
                optionalLong(node, "step").orElse(0L));
    }

    public static RunMetric runMetric(JsonNode node) {
        return new RunMetric(requiredText(node, "run_id"), metric(node));
    }

    public static Param param(JsonNode node) {
        return new Param(requiredText(node, "key"), optionalText(node, "value").orElse(""));
    }

    public static Tag tag(JsonNode node) {
        return new Tag(requiredText(node, "key"), optionalText(node, "value").orElse(""));
    }

    public static DatasetInput datasetInput(JsonNode node) {
        JsonNode dataset = node.path("dataset");
        return new DatasetInput(
                list(node.path("tags"), TrackingJson::tag),
                new Dataset(
                        requiredText(dataset, "name"),
                        requiredText(dataset, "digest"),
                        optionalText(dataset, "source_type").orElse(""),
                        optionalText(dataset, "source").orElse(""),
                        optionalText(dataset, "schema"),
                        optionalText(dataset, "profile")));
    }

    public static FileInfo fileInfo(JsonNode node) {
        boolean isDir = node.path("is_dir").asBoolean(false);
        return new FileInfo(requiredText(node, "path"), isDir,
                isDir ? Optional.empty() : optionalLong(node, "file_size"));
    }

    /** The elements of a JSON array decoded one by one; a missing or null field is an empty list. */
    public static <T> List<T> list(JsonNode array, Function<JsonNode, T> decoder) {
        if (array.isMissingNode() || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: expected a JSON array, got " + array.getNodeType());
        }
        List<T> result = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            result.add(decoder.apply(element));
        }
        return List.copyOf(result);
    }

    // ---- encoding --------------------------------------------------------------------------

    public static ObjectNode toJson(Experiment experiment) {
        ObjectNode node = NODES.objectNode();
        node.put("experiment_id", experiment.experimentId());
        node.put("name", experiment.name());
        node.put("artifact_location", experiment.artifactLocation());
        node.put("lifecycle_stage", experiment.lifecycleStage().wireName());
        node.put("last_update_time", experiment.lastUpdateTime());
        node.put("creation_time", experiment.creationTime());
        node.set("tags", tags(experiment.tags()));
        return node;
    }

    public static ObjectNode toJson(Run run) {
        ObjectNode node = NODES.objectNode();
        node.set("info", toJson(run.info()));
        ObjectNode data = node.putObject("data");
        ArrayNode metrics = data.putArray("metrics");
        run.metrics().forEach(metric -> metrics.add(toJson(metric)));
        ArrayNode params = data.putArray("params");
        run.params().forEach(param -> params.add(NODES.objectNode().put("key", param.key()).put("value", param.value())));
        data.set("tags", tags(run.tags()));
        ArrayNode inputs = node.putObject("inputs").putArray("dataset_inputs");
        run.inputs().forEach(input -> inputs.add(toJson(input)));
        return node;
    }

    public static ObjectNode toJson(RunInfo info) {
        ObjectNode node = NODES.objectNode();
        node.put("run_id", info.runId());
        node.put("run_uuid", info.runId());
        node.put("run_name", info.runName());
        node.put("experiment_id", info.experimentId());
        node.put("user_id", info.userId());
        node.put("status", info.status().name());
        node.put("start_time", info.startTime());
        info.endTime().ifPresent(endTime -> node.put("end_time", endTime));
        node.put("artifact_uri", info.artifactUri());
        node.put("lifecycle_stage", info.lifecycleStage().wireName());
        return node;
    }

    public static ObjectNode toJson(Metric metric) {
        ObjectNode node = NODES.objectNode();
        node.put("key", metric.key());
        node.set("value", doubleNode(metric.value()));
        node.put("timestamp", metric.timestamp());
        node.put("step", metric.step());
        return node;
    }

    public static ObjectNode toJson(DatasetInput input) {
        ObjectNode node = NODES.objectNode();
        node.set("tags", tags(input.tags()));
        ObjectNode dataset = node.putObject("dataset");
        dataset.put("name", input.dataset().name());
        dataset.put("digest", input.dataset().digest());
        dataset.put("source_type", input.dataset().sourceType());
        dataset.put("source", input.dataset().source());
        input.dataset().schema().ifPresent(schema -> dataset.put("schema", schema));
        input.dataset().profile().ifPresent(profile -> dataset.put("profile", profile));
        return node;
    }

    public static ObjectNode toJson(FileInfo file) {
        ObjectNode node = NODES.objectNode();
        node.put("path", file.path());
        node.put("is_dir", file.isDir());
        file.fileSize().ifPresent(size -> node.put("file_size", size));
        return node;
    }

    public static ArrayNode tags(List<Tag> tags) {
        ArrayNode array = NODES.arrayNode();
        tags.forEach(tag -> array.add(NODES.objectNode().put("key", tag.key()).put("value", tag.value())));
        return array;
    }

    /** A double as protobuf's JSON writes it: a number, or a string for NaN and the infinities. */
    public static JsonNode doubleNode(double value) {
        if (Double.isNaN(value)) {
            return NODES.textNode("NaN");
        }
        if (Double.isInfinite(value)) {
            return NODES.textNode(value > 0 ? "Infinity" : "-Infinity");
        }
        return NODES.numberNode(value);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static double doubleValue(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            switch (text.toLowerCase(Locale.ROOT)) {
                case "nan":
                    return Double.NaN;
                case "infinity", "inf":
                    return Double.POSITIVE_INFINITY;
                case "-infinity", "-inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw malformed("value");
                    }
            }
        }
        throw malformed("value");
    }

    private static LifecycleStage lifecycleStage(String value) {
        try {
            return LifecycleStage.fromWire(value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: unknown lifecycle_stage '" + value + "'");
        }
    }

    static String requiredText(JsonNode node, String field) {
        return optionalText(node, field).orElseThrow(() -> malformed(field));
    }

    static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    static Optional<Long> optionalLong(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Long.parseLong(value.textValue().trim()));
            } catch (NumberFormatException e) {
                throw malformed(field);
            }
        }
        if (value.isNumber()) {
            return Optional.of(value.longValue());
        }
        throw malformed(field);
    }

    static SlipwayException malformed(String field) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                "Malformed response from the tracking server: missing or invalid field '" + field + "'");
    }
}
