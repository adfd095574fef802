package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.monitoring.AlertRule;
import dev.slipway.monitoring.DriftReport;
import dev.slipway.monitoring.MonitorDefinition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a monitor once: resolves its model (an alias as it points now), reads the reference and the window of
 * logged predictions, computes drift, data quality and live model quality, decides which alert rules hold, stores
 * the result in the tracking server, logs its figures as metrics of the monitor's run (so they chart over time),
 * and takes the actions of the rules that fire, recording each with its cause.
 *
 * <p>A rule fires when it holds now and did not hold at the previous evaluation, or when it last fired longer ago
 * than its {@code repeat}. Thread-safe as long as one monitor is not evaluated twice at once (the scheduler's lease
 * sees to that).
 */
final class MonitorEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorEvaluator.class);
    private static final int RECENT_ACTIONS = 200;

    private final TrackingClient client;
    private final Clock clock;
    private final AlertActions actions;
    private final MonitorTracking tracking;

    MonitorEvaluator(TrackingClient client, Clock clock, AlertActions actions) {
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.actions = requireNonNull(actions, "actions is null");
        this.tracking = new MonitorTracking(client);
    }

    /** What one evaluation found and did. */
    record Evaluation(MonitorResult result, List<Firing> firings, List<MonitorAction> actions) {
        Evaluation {
            requireNonNull(result, "result is null");
            firings = List.copyOf(requireNonNull(firings, "firings is null"));
            actions = List.copyOf(requireNonNull(actions, "actions is null"));
        }
    }

    /** A rule that holds, why, and whether it fired (took its actions) this time. */
    record Firing(AlertRule rule, String cause, boolean fired) {
        Firing {
            requireNonNull(rule, "rule is null");
            requireNonNull(cause, "cause is null");
        }
    }

    /**
     * Evaluates the monitor and records the result; failures of the model, reference or window become an
     * {@code error} result with the reason, not an exception, so a schedule keeps running.
     *
     * @throws SlipwayException only when the result itself cannot be stored
     */
    Evaluation evaluate(MonitorDefinition definition) {
        long time = clock.millis();
        Optional<MonitorResult> previous = client.monitors().results(definition.name(), 1).stream().findFirst();
        ObjectNode report = TrackingCommand.json().createObjectNode();
        report.put("monitor", definition.name());
        report.put("model", definition.model());
        long windowStart = time;
        long windowEnd = time;
        long rows = 0;
        Optional<DriftReport> drift = Optional.empty();
        Map<String, Double> liveMetrics = new HashMap<>();
        MonitorStatus status;
        try {
            MonitoredModel model = MonitoredModel.resolve(client, definition.model());
            report.put("model_name", model.version().name());
            report.put("model_version", Long.toString(model.version().version()));
            ReferenceSketches.Reference reference = new ReferenceSketches(client).reference(model);
            WindowComparison comparison = WindowComparison.compute(client, model, reference,
                    WindowSource.of(client, clock, definition.rows(), definition.window()
                            .orElse(MonitorDefinition.DEFAULT_WINDOW), reference.sketch().columns()),
                    definition.driftOptions(), definition.positiveLabel());
            report.setAll(comparison.toJson(definition.driftShare()));
            windowStart = comparison.current().startTime();
            windowEnd = comparison.current().endTime();
            rows = comparison.current().rows();
            liveMetrics.putAll(comparison.liveQuality().metrics());
            drift = comparison.drift();
            status = drift.isPresent() ? MonitorStatus.OK : MonitorStatus.NOT_ENOUGH_DATA;
        } catch (SlipwayException e) {
            LOG.warn("Monitor {} could not be evaluated: {}", definition.name(), e.getMessage());
            report.put("error", e.getMessage());
            status = MonitorStatus.ERROR;
        }

        List<Firing> firings = new ArrayList<>();
        List<MonitorAction> recent = client.monitors().actions(Optional.of(definition.name()), RECENT_ACTIONS);
        ArrayNode alerts = report.putArray("alerts");
        for (AlertRule rule : definition.alerts()) {
            Optional<String> cause = rule.cause(drift, liveMetrics);
            ObjectNode alert = alerts.addObject();
            alert.put("rule", rule.describe());
            alert.put("holds", cause.isPresent());
            cause.ifPresent(text -> alert.put("cause", text));
            if (cause.isPresent()) {
                boolean fire = !heldBefore(previous, rule) || lastFired(recent, rule)
                        .map(last -> time - last >= rule.repeat().toMillis()).orElse(true);
                alert.put("fired", fire);
                firings.add(new Firing(rule, cause.get(), fire));
            }
        }
        if (status == MonitorStatus.OK && (!firings.isEmpty() || drift.map(DriftReport::datasetDrift).orElse(false))) {
            status = MonitorStatus.ALERT;
        }
        MonitorResult stored = client.monitors().addResult(new MonitorResult(0, definition.name(), time, windowStart,
                windowEnd, rows, status, drift.map(DriftReport::datasetDrift), drift.map(DriftReport::driftShare),
                report.toString()));
        try {
            tracking.log(definition, stored, drift, liveMetrics);
        } catch (SlipwayException e) {
            LOG.warn("Monitor {}: logging its metrics to the tracking server failed: {}", definition.name(),
                    e.getMessage());
        }
        List<MonitorAction> taken = new ArrayList<>();
        for (Firing firing : firings) {
            if (firing.fired()) {
                taken.addAll(actions.take(definition, stored, firing.rule(), firing.cause()));
            }
        }
        return new Evaluation(stored, firings, taken);
    }

    /** Whether the rule held at the previous evaluation, as its report recorded. */
    private static boolean heldBefore(Optional<MonitorResult> previous, AlertRule rule) {
        if (previous.isEmpty()) {
            return false;
        }
        try {
            JsonNode alerts = TrackingCommand.json().readTree(previous.get().reportJson()).path("alerts");
            for (JsonNode alert : alerts) {
                if (alert.path("rule").asText().equals(rule.describe())) {
                    return alert.path("holds").asBoolean(false);
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    /** When the rule last took an action, from the recorded actions. */
    private static Optional<Long> lastFired(List<MonitorAction> recent, AlertRule rule) {
        return recent.stream().filter(action -> action.rule().equals(rule.describe())).map(MonitorAction::time)
                .max(Long::compare);
    }
}
