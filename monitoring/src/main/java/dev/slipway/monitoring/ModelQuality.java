package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Live quality of a model over a window of (prediction, label) pairs. */
public record ModelQuality(long rows, List<QualityMetric> metrics) {
    public ModelQuality {
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
    }

    public Optional<QualityMetric> metric(String name) {
        return metrics.stream().filter(metric -> metric.name().equals(name)).findFirst();
    }

    /**
     * Reads what {@link #toJson()} wrote: every field but {@code rows} and {@code not_enough_data} is a metric, in
     * the order given; a null metric takes its reason from {@code not_enough_data}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for JSON that is not such an object
     */
    public static ModelQuality fromJson(JsonNode json) {
        requireNonNull(json, "json is null");
        if (!json.isObject() || !json.path("rows").canConvertToLong()) {
            throw SlipwayException.invalidParameter("Not a model quality object: %s", json);
        }
        JsonNode reasons = json.path("not_enough_data");
        List<QualityMetric> metrics = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("rows") || name.equals("not_enough_data")) {
                continue;
            }
            if (value.isNumber()) {
                metrics.add(QualityMetric.of(name, value.doubleValue()));
            } else if (value.isNull()) {
                metrics.add(QualityMetric.notEnoughData(name, reasons.path(name).asText("not enough data")));
            } else {
                throw SlipwayException.invalidParameter("Metric '%s' of a model quality object is not a number: %s",
                        name, value);
            }
        }
        return new ModelQuality(json.get("rows").asLong(), metrics);
    }

    /** {@code {rows, <metric>: value or null, ..., not_enough_data: {<metric>: reason}}}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rows", rows);
        metrics.forEach(metric -> metric.writeTo(json));
        return json;
    }
}
