package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** Live quality of a model over a window of (prediction, label) pairs. */
public record ModelQuality(long rows, List<QualityMetric> metrics) {
    public ModelQuality {
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
    }

    public Optional<QualityMetric> metric(String name) {
        return metrics.stream().filter(metric -> metric.name().equals(name)).findFirst();
    }

    /** {@code {rows, <metric>: value or null, ..., not_enough_data: {<metric>: reason}}}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rows", rows);
        metrics.forEach(metric -> metric.writeTo(json));
        return json;
    }
}
