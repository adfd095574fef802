package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An MLflow schema (the {@code inputs} or {@code outputs} of a signature): a list of column specs
 * or a list of tensor specs, never a mix. Stored inside MLmodel as a JSON string, which
 * {@link #parse(String)} reads and {@link #toJson()} writes the way MLflow's {@code json.dumps}
 * does.
 */
public record Schema(List<SchemaSpec> specs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Schema {
        specs = List.copyOf(requireNonNull(specs, "specs is null"));
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a schema has at least one column or tensor");
        }
        boolean tensors = specs.get(0) instanceof TensorSpec;
        Set<String> names = new HashSet<>();
        for (SchemaSpec spec : specs) {
            if ((spec instanceof TensorSpec) != tensors) {
                throw new IllegalArgumentException("a schema cannot mix column specs and tensor specs");
            }
            spec.name().ifPresent(name -> {
                if (!names.add(name)) {
                    throw new IllegalArgumentException("duplicate name in schema: " + name);
                }
            });
        }
    }

    /** A column-based schema. */
    public static Schema ofColumns(List<ColumnSpec> columns) {
        return new Schema(List.copyOf(columns));
    }

    /** A tensor-based schema. */
    public static Schema ofTensors(List<TensorSpec> tensors) {
        return new Schema(List.copyOf(tensors));
    }

    /** Whether this schema lists tensors (else columns). */
    public boolean isTensorBased() {
        return specs.get(0) instanceof TensorSpec;
    }

    /** The column specs (empty for a tensor-based schema). */
    public List<ColumnSpec> columns() {
        List<ColumnSpec> columns = new ArrayList<>();
        for (SchemaSpec spec : specs) {
            if (spec instanceof ColumnSpec column) {
                columns.add(column);
            }
        }
        return List.copyOf(columns);
    }

    /** The tensor specs (empty for a column-based schema). */
    public List<TensorSpec> tensors() {
        List<TensorSpec> tensors = new ArrayList<>();
        for (SchemaSpec spec : specs) {
            if (spec instanceof TensorSpec tensor) {
                tensors.add(tensor);
            }
        }
        return List.copyOf(tensors);
    }

    /** The names of the specs that have one, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (SchemaSpec spec : specs) {
            spec.name().ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    /**
     * Parses the JSON form, e.g. {@code [{"type": "double", "name": "x", "required": true}]}.
     *
     * @throws SlipwayException for malformed JSON, an unknown type or a mix of columns and tensors
     */
    public static Schema parse(String json) {
        requireNonNull(json, "json is null");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("Signature schema is not valid JSON: %s (%s)", abbreviate(json),
                    e.getOriginalMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw SlipwayException.invalidParameter("Signature schema must be a non-empty JSON list: %s",
                    abbreviate(json));
        }
        List<SchemaSpec> specs = new ArrayList<>();
        for (JsonNode node : root) {
            specs.add(parseSpec(node));
        }
        try {
            return new Schema(specs);
        } catch (IllegalArgumentException e) {
            throw SlipwayException.invalidParameter("Invalid signature schema %s: %s", abbreviate(json), e.getMessage());
        }
    }

    private static SchemaSpec parseSpec(JsonNode node) {
        if (!node.isObject() || !node.path("type").isTextual()) {
            throw SlipwayException.invalidParameter("Signature entry %s has no \"type\"", node);
        }
        Optional<String> name = node.path("name").isTextual()
                ? Optional.of(node.get("name").asText()) : Optional.empty();
        String type = node.get("type").asText();
        if (type.equals("tensor")) {
            JsonNode tensorSpec = node.path("tensor-spec");
            if (!tensorSpec.path("dtype").isTextual() || !tensorSpec.path("shape").isArray()) {
                throw SlipwayException.invalidParameter(
                        "Tensor entry %s needs \"tensor-spec\": {\"dtype\": ..., \"shape\": [...]}", node);
            }
            List<Long> shape = new ArrayList<>();
            for (JsonNode dimension : tensorSpec.get("shape")) {
                if (!dimension.canConvertToLong() || dimension.asLong() < -1) {
                    throw SlipwayException.invalidParameter("Tensor entry %s has an invalid dimension %s", node,
                            dimension);
                }
                shape.add(dimension.asLong());
            }
            return new TensorSpec(name, tensorSpec.get("dtype").asText(), shape);
        }
        boolean required = !node.has("required") || node.get("required").asBoolean(true);
        return new ColumnSpec(name, ColumnType.of(type), required);
    }

    /** The JSON form as MLflow writes it ({@code json.dumps} spacing, MLflow's key order). */
    public String toJson() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < specs.size(); i++) {
            if (i > 0) {
                json.append(", ");
            }
            SchemaSpec spec = specs.get(i);
            if (spec instanceof ColumnSpec column) {
                json.append("{\"type\": ").append(quote(column.type().mlflowName()));
                column.name().ifPresent(name -> json.append(", \"name\": ").append(quote(name)));
                json.append(", \"required\": ").append(column.required()).append('}');
            } else if (spec instanceof TensorSpec tensor) {
                json.append('{');
                tensor.name().ifPresent(name -> json.append("\"name\": ").append(quote(name)).append(", "));
                json.append("\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": ").append(quote(tensor.dtype()))
                        .append(", \"shape\": [");
                for (int d = 0; d < tensor.shape().size(); d++) {
                    if (d > 0) {
                        json.append(", ");
                    }
                    json.append(tensor.shape().get(d));
                }
                json.append("]}}");
            }
        }
        return json.append(']').toString();
    }

    private static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
