package dev.slipway.core.monitors;

import static java.util.Objects.requireNonNull;

/**
 * An action an alert rule of a monitor took: when ({@code time}, epoch ms), for which result, which rule (its
 * description, such as {@code dataset_drift}), the cause (what held, in words, with the numbers), the kind of action
 * ({@code webhook} or {@code retrain}), its target (the URL, or the pipeline folder), whether it succeeded and what it
 * answered (the HTTP status, or the outcome and output of {@code slipway ci}). {@code id} is assigned by the store; an
 * action to add carries 0.
 */
public record MonitorAction(long id, String monitorName, long resultId, long time, String rule, String cause,
        String kind, String target, boolean succeeded, String detail) {
    public MonitorAction {
        requireNonNull(monitorName, "monitorName is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(cause, "cause is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(target, "target is null");
        requireNonNull(detail, "detail is null");
    }

    /** This action with the id the store gave it. */
    public MonitorAction withId(long newId) {
        return new MonitorAction(newId, monitorName, resultId, time, rule, cause, kind, target, succeeded, detail);
    }
}
