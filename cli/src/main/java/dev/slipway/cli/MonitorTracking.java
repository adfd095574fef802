package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import dev.slipway.monitoring.DriftReport;
import dev.slipway.monitoring.DriftResult;
import dev.slipway.monitoring.MonitorDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs each monitor result as metrics of one run per monitor, in the experiment {@value #EXPERIMENT}, so drift and
 * live quality chart over time in any MLflow client: {@code rows}, {@code dataset_drift} (0 or 1),
 * {@code drift_share}, {@code drift_score.<feature>} and {@code quality.<metric>}, each at the result's time with the
 * result's id as step. The run is found by its tag {@value #MONITOR_TAG}, created on first use. Thread-safe.
 */
final class MonitorTracking {
    static final String EXPERIMENT = "slipway-monitoring";
    static final String MONITOR_TAG = "slipway.monitor";
    private static final int BATCH = 1000;

    private final TrackingClient client;
    private final Map<String, String> runIds = new ConcurrentHashMap<>();

    MonitorTracking(TrackingClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    void log(MonitorDefinition definition, MonitorResult result, Optional<DriftReport> drift,
            Map<String, Double> liveQuality) {
        List<Metric> metrics = new ArrayList<>();
        long time = result.time();
        long step = result.id();
        metrics.add(new Metric("rows", result.rows(), time, step));
        drift.ifPresent(report -> {
            metrics.add(new Metric("dataset_drift", report.datasetDrift() ? 1 : 0, time, step));
            metrics.add(new Metric("drift_share", report.driftShare(), time, step));
            for (DriftResult feature : report.features()) {
                if (feature.hasScore() && Double.isFinite(feature.score())) {
                    metrics.add(new Metric("drift_score." + metricKey(feature.column()), feature.score(), time, step));
                }
            }
        });
        new TreeMap<>(liveQuality).forEach((name, value) -> {
            if (Double.isFinite(value)) {
                metrics.add(new Metric("quality." + name, value, time, step));
            }
        });
        String runId = runIds.computeIfAbsent(definition.name(), name -> findOrCreateRun(definition));
        for (int from = 0; from < metrics.size(); from += BATCH) {
            client.logBatch(runId, metrics.subList(from, Math.min(metrics.size(), from + BATCH)), List.of(), List.of());
        }
    }

    /** The run of the monitor, when one was created. */
    Optional<String> runId(String monitorName) {
        return Optional.ofNullable(runIds.get(monitorName)).or(() -> find(experimentId(false), monitorName));
    }

    private String findOrCreateRun(MonitorDefinition definition) {
        String experimentId = experimentId(true).orElseThrow();
        return find(Optional.of(experimentId), definition.name()).orElseGet(() -> client.createRun(
                Optional.of(experimentId), Optional.empty(), Optional.of("monitor-" + definition.name()),
                Optional.empty(), List.of(new Tag(MONITOR_TAG, definition.name()),
                        new Tag("slipway.monitor.model", definition.model()))).info().runId());
    }

    private Optional<String> find(Optional<String> experimentId, String monitorName) {
        if (experimentId.isEmpty()) {
            return Optional.empty();
        }
        String filter = "tags.`" + MONITOR_TAG + "` = '" + monitorName.replace("'", "\\'") + "'";
        Page<Run> page = client.searchRuns(List.of(experimentId.get()), Optional.of(filter), ViewType.ACTIVE_ONLY,
                Optional.of(1), List.of("attributes.start_time ASC"), Optional.empty());
        return page.items().stream().findFirst().map(run -> run.info().runId());
    }

    private Optional<String> experimentId(boolean create) {
        try {
            return Optional.of(client.getExperimentByName(EXPERIMENT).experimentId());
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_DOES_NOT_EXIST || !create) {
                if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        try {
            return Optional.of(client.createExperiment(EXPERIMENT));
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_ALREADY_EXISTS) {
                return Optional.of(client.getExperimentByName(EXPERIMENT).experimentId());
            }
            throw e;
        }
    }

    /** MLflow metric keys allow letters, digits, '_', '-', '.', ' ' and '/'; anything else becomes '_'. */
    static String metricKey(String name) {
        return name.replaceAll("[^A-Za-z0-9_\\-./ ]", "_");
    }
}
