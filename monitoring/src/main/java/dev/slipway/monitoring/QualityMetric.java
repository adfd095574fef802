package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** One live model-quality metric; when undefined for the window, {@code notEnoughData} says why and value is NaN. */
public record QualityMetric(String name, double value, Optional<String> notEnoughData) {
    public QualityMetric {
        requireNonNull(name, "name is null");
        requireNonNull(notEnoughData, "notEnoughData is null");
        if (notEnoughData.isPresent() && !Double.isNaN(value)) {
            throw new IllegalArgumentException("a 'not enough data' metric has no value");
        }
    }

    static QualityMetric of(String name, double value) {
        return new QualityMetric(name, value, Optional.empty());
    }

    static QualityMetric notEnoughData(String name, String reason) {
        return new QualityMetric(name, Double.NaN, Optional.of(reason));
    }

    public boolean hasValue() {
        return notEnoughData.isEmpty();
    }

    void writeTo(ObjectNode json) {
        if (hasValue()) {
            json.put(name, value);
        } else {
            json.putNull(name);
            ObjectNode reasons = json.get("not_enough_data") instanceof ObjectNode existing ? existing : json.putObject("not_enough_data");
            reasons.put(name, notEnoughData.get());
        }
    }
}
