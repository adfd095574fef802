package dev.slipway.core.monitors;

import java.util.Locale;
import java.util.Optional;

/** The outcome of one monitor evaluation; stored and sent by its lower-case wire name. */
public enum MonitorStatus {
    /** The window was compared with the reference: the dataset did not drift and no alert rule held. */
    OK,
    /** The window was compared with the reference and the dataset drifted or an alert rule held. */
    ALERT,
    /** The window held no predictions (or no labelled ones for a quality-only monitor): nothing was compared. */
    NOT_ENOUGH_DATA,
    /** The evaluation failed (model, reference or server unavailable); the report says why. */
    ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MonitorStatus> fromWireName(String wireName) {
        for (MonitorStatus status : values()) {
            if (status.wireName().equals(wireName)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
