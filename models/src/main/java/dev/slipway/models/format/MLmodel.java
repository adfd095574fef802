package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.core.SlipwayException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code MLmodel} file at the root of an MLflow model folder, with MLflow's field names:
 * {@code artifact_path}, {@code flavors}, {@code model_uuid}, {@code run_id},
 * {@code utc_time_created} ({@code 'YYYY-MM-DD HH:MM:SS.ffffff'}), {@code mlflow_version},
 * {@code model_size_bytes}, {@code saved_input_example_info}, {@code signature} and
 * {@code metadata}. Fields Slipway does not know (e.g. {@code databricks_runtime},
 * {@code model_id}) are kept in {@link #otherFields()} and written back unchanged, and flavors are
 * kept as the maps MLflow wrote, so reading and writing a foreign MLmodel loses nothing.
 *
 * <p>{@link #parse} and {@link #toYaml} convert from and to the YAML text; the YAML Slipway
 * writes is block style with sorted keys, as MLflow's {@code yaml.safe_dump} writes it.
 */
public record MLmodel(Optional<String> artifactPath, Map<String, Map<String, Object>> flavors,
        Optional<String> modelUuid, Optional<String> runId, Optional<String> utcTimeCreated,
        Optional<String> mlflowVersion, Optional<Long> modelSizeBytes,
        Optional<SavedInputExampleInfo> savedInputExampleInfo, Optional<Signature> signature,
        Map<String, Object> metadata, Map<String, Object> otherFields) {
    /** The file name of the MLmodel file inside a model folder. */
    public static final String FILE_NAME = "MLmodel";
    /** MLflow's {@code utc_time_created} format. */
    public static final DateTimeFormatter UTC_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private static final Set<String> KNOWN_FIELDS = Set.of("artifact_path", "flavors", "model_uuid", "run_id",
            "utc_time_created", "mlflow_version", "model_size_bytes", "saved_input_example_info", "signature",
            "metadata");
    private static final YAMLMapper YAML = new YAMLMapper();

    public MLmodel {
        requireNonNull(artifactPath, "artifactPath is null");
        requireNonNull(flavors, "flavors is null");
        requireNonNull(modelUuid, "modelUuid is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(utcTimeCreated, "utcTimeCreated is null");
        requireNonNull(mlflowVersion, "mlflowVersion is null");
        requireNonNull(modelSizeBytes, "modelSizeBytes is null");
        requireNonNull(savedInputExampleInfo, "savedInputExampleInfo is null");
        requireNonNull(signature, "signature is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(otherFields, "otherFields is null");
        Map<String, Map<String, Object>> flavorsCopy = new LinkedHashMap<>();
        flavors.forEach((name, config) -> flavorsCopy.put(requireNonNull(name, "flavor name is null"),
                immutableMap(requireNonNull(config, "flavor config is null"))));
        flavors = Collections.unmodifiableMap(flavorsCopy);
        metadata = immutableMap(metadata);
        otherFields = immutableMap(otherFields);
        for (String key : otherFields.keySet()) {
            if (KNOWN_FIELDS.contains(key)) {
                throw new IllegalArgumentException("otherFields must not hold the known field " + key);
            }
        }
    }

    /** Formats an instant as MLflow's {@code utc_time_created}, e.g. {@code 2024-01-12 05:17:31.634689}. */
    public static String formatUtcTime(Instant instant) {
        return UTC_TIME_FORMAT.format(instant);
    }

    /** The {@code onnx} flavor, if the model has one. */
    public Optional<OnnxFlavor> onnxFlavor() {
        Map<String, Object> config = flavors.get(OnnxFlavor.NAME);
        return config == null ? Optional.empty() : Optional.of(OnnxFlavor.fromMap(config));
    }

    /** A metadata value as text ({@code metadata.slipway_task} etc.). */
    public Optional<String> metadataString(String key) {
        Object value = metadata.get(requireNonNull(key, "key is null"));
        return value == null || value instanceof Map<?, ?> || value instanceof List<?>
                ? Optional.empty() : Optional.of(value.toString());
    }

    /** A metadata value that is a list, as text values ({@code metadata.slipway_classes}). */
    public Optional<List<String>> metadataList(String key) {
        Object value = metadata.get(requireNonNull(key, "key is null"));
        if (!(value instanceof List<?> list)) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (Object item : list) {
            values.add(String.valueOf(item));
        }
        return Optional.of(List.copyOf(values));
    }

    /** A copy with another {@code model_size_bytes}. */
    public MLmodel withModelSizeBytes(long size) {
        return new MLmodel(artifactPath, flavors, modelUuid, runId, utcTimeCreated, mlflowVersion, Optional.of(size),
                savedInputExampleInfo, signature, metadata, otherFields);
    }

    /**
     * Parses MLmodel YAML; {@code source} names the file in error messages.
     *
     * @throws SlipwayException if the YAML is malformed or a field has the wrong shape
     */
    public static MLmodel parse(String yaml, String source) {
        requireNonNull(yaml, "yaml is null");
        requireNonNull(source, "source is null");
        Map<String, Object> root;
        try {
            root = YAML.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("%s is not valid YAML: %s", source, e.getOriginalMessage());
        }
        if (root == null) {
            throw SlipwayException.invalidParameter("%s is empty", source);
        }
        Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
        Object flavorsValue = root.get("flavors");
        if (flavorsValue != null) {
            for (Map.Entry<String, Object> flavor : asMap(flavorsValue, source, "flavors").entrySet()) {
                flavors.put(flavor.getKey(), asMap(flavor.getValue() == null ? Map.of() : flavor.getValue(), source,
                        "flavors." + flavor.getKey()));
            }
        }
        Optional<Long> size = text(root, "model_size_bytes").map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw SlipwayException.invalidParameter("%s: model_size_bytes '%s' is not a whole number", source,
                        value);
            }
        });
        Optional<SavedInputExampleInfo> example = Optional.empty();
        if (root.get("saved_input_example_info") != null) {
            Map<String, Object> info = asMap(root.get("saved_input_example_info"), source, "saved_input_example_info");
            example = Optional.of(new SavedInputExampleInfo(
                    text(info, "artifact_path").orElseThrow(() -> SlipwayException.invalidParameter(
                            "%s: saved_input_example_info has no artifact_path", source)),
                    text(info, "type").orElse("dataframe"), text(info, "pandas_orient"),
                    text(info, "serving_input_path")));
        }
        Optional<Signature> signature = Optional.empty();
        if (root.get("signature") != null) {
            Map<String, Object> value = asMap(root.get("signature"), source, "signature");
            Schema inputs = text(value, "inputs").map(Schema::parse).orElseThrow(
                    () -> SlipwayException.invalidParameter("%s: signature has no inputs", source));
            signature = Optional.of(new Signature(inputs, text(value, "outputs").map(Schema::parse),
                    text(value, "params")));
        }
        Map<String, Object> metadata = root.get("metadata") == null ? Map.of()
                : asMap(root.get("metadata"), source, "metadata");
        Map<String, Object> other = new LinkedHashMap<>(root);
        other.keySet().removeAll(KNOWN_FIELDS);
        return new MLmodel(text(root, "artifact_path"), flavors, text(root, "model_uuid"), text(root, "run_id"),
                text(root, "utc_time_created"), text(root, "mlflow_version"), size, example, signature, metadata,
                other);
    }

    /** The YAML text of this MLmodel. */
    public String toYaml() {
        Map<String, Object> root = new LinkedHashMap<>(otherFields);
        artifactPath.ifPresent(value -> root.put("artifact_path", value));
        root.put("flavors", flavors);
        modelUuid.ifPresent(value -> root.put("model_uuid", value));
        runId.ifPresent(value -> root.put("run_id", value));
        utcTimeCreated.ifPresent(value -> root.put("utc_time_created", value));
        mlflowVersion.ifPresent(value -> root.put("mlflow_version", value));
        modelSizeBytes.ifPresent(value -> root.put("model_size_bytes", value));
        savedInputExampleInfo.ifPresent(info -> {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("artifact_path", info.artifactPath());
            value.put("type", info.type());
            info.pandasOrient().ifPresent(orient -> value.put("pandas_orient", orient));
            info.servingInputPath().ifPresent(path -> value.put("serving_input_path", path));
            root.put("saved_input_example_info", value);
        });
        signature.ifPresent(value -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("inputs", value.inputs().toJson());
            map.put("outputs", value.outputs().map(Schema::toJson).orElse(null));
            map.put("params", value.paramsJson().orElse(null));
            root.put("signature", map);
        });
        if (!metadata.isEmpty()) {
            root.put("metadata", metadata);
        }
        return YamlEmitter.write(root);
    }

    private static Optional<String> text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(value.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String source, String field) {
        if (!(value instanceof Map<?, ?> map)) {
            throw SlipwayException.invalidParameter("%s: %s must be a mapping, found '%s'", source, field, value);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, item) -> copy.put(String.valueOf(key), item));
        return copy;
    }

    private static Map<String, Object> immutableMap(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(requireNonNull(key, "key is null"), immutableValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object immutableValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), immutableValue(item)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            for (Object item : list) {
                copy.add(immutableValue(item));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
