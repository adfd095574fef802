package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.monitoring.DataQualityReport;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.monitoring.DriftOptions;
import dev.slipway.monitoring.DriftReport;
import java.util.Optional;

/**
 * A window of a model version's logged predictions compared with its reference: drift and data quality (absent when
 * the window holds no predictions) and live model quality, as {@code slipway monitor report} prints it and a monitor
 * stores it.
 */
record WindowComparison(MonitoredModel model, ReferenceSketches.Reference reference, WindowSource.CurrentWindow current,
        Optional<DriftReport> drift, Optional<DataQualityReport> dataQuality, LiveQualitySource.LiveQuality liveQuality) {
    WindowComparison {
        requireNonNull(model, "model is null");
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        requireNonNull(drift, "drift is null");
        requireNonNull(dataQuality, "dataQuality is null");
        requireNonNull(liveQuality, "liveQuality is null");
    }

    /** Reads the window from the source and its live quality from the server, and compares it with the reference. */
    static WindowComparison compute(TrackingClient client, MonitoredModel model, ReferenceSketches.Reference reference,
            WindowSource source, DriftOptions options, Optional<String> positiveLabel) {
        WindowSource.CurrentWindow current = source.read(model);
        LiveQualitySource.LiveQuality liveQuality = new LiveQualitySource(client).read(model, current.startTime(),
                current.endTime(), positiveLabel);
        if (current.sketch().isEmpty()) {
            return new WindowComparison(model, reference, current, Optional.empty(), Optional.empty(), liveQuality);
        }
        DatasetSketch sketch = current.sketch().get();
        return new WindowComparison(model, reference, current,
                Optional.of(MonitorCommand.Report.compare(reference.sketch(), sketch, options)),
                Optional.of(DataQualityReport.compute(reference.sketch(), sketch)), liveQuality);
    }

    /** Why nothing was compared: the window holds no predictions. */
    Optional<String> notEnoughData() {
        return drift.isPresent() ? Optional.empty()
                : Optional.of("no predictions of model " + model.describe() + " in " + current.description());
    }

    /**
     * The report: model, window and reference, then either the drift report and data quality or, for an empty
     * window, {@code rows} 0, null verdicts, no features and {@code not_enough_data}; and {@code model_quality}.
     */
    ObjectNode toJson(double driftShareThreshold) {
        ObjectNode json = TrackingCommand.json().createObjectNode();
        json.put("model_name", model.version().name());
        json.put("model_version", Long.toString(model.version().version()));
        json.put("window", current.description());
        json.put("window_start", current.startTime());
        json.put("window_end", current.endTime());
        json.put("reference", reference.origin());
        if (drift.isPresent()) {
            json.setAll(drift.get().toJson());
            json.set("data_quality", dataQuality.orElseThrow().toJson());
        } else {
            json.put("rows", 0);
            json.putNull("dataset_drift");
            json.putNull("drift_share");
            json.put("drift_share_threshold", driftShareThreshold);
            json.putArray("features");
            json.put("not_enough_data", notEnoughData().orElseThrow());
        }
        json.set("model_quality", liveQuality.toJson());
        return json;
    }
}
