package dev.slipway.core.logged;

import dev.slipway.core.SlipwayException;
import java.util.Locale;

/**
 * The upload state of a logged model with MLflow's enum numbers: PENDING while its files are uploaded, then READY
 * or UPLOAD_FAILED once the client finalizes it. The wire name is {@code LOGGED_MODEL_<NAME>}.
 */
public enum LoggedModelStatus {
    PENDING(1),
    READY(2),
    UPLOAD_FAILED(3);

    private static final String WIRE_PREFIX = "LOGGED_MODEL_";

    private final int number;

    LoggedModelStatus(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The protobuf name, such as {@code LOGGED_MODEL_READY}. */
    public String wireName() {
        return WIRE_PREFIX + name();
    }

    /**
     * Accepts the protobuf name ({@code LOGGED_MODEL_READY}), the short name ({@code READY}), either in any case, or
     * the enum number.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for anything else, including the unspecified value 0
     */
    public static LoggedModelStatus parse(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        String shortName = upper.startsWith(WIRE_PREFIX) ? upper.substring(WIRE_PREFIX.length()) : upper;
        for (LoggedModelStatus status : values()) {
            if (status.name().equals(shortName) || String.valueOf(status.number).equals(upper)) {
                return status;
            }
        }
        throw SlipwayException.invalidParameter("Invalid value %s for parameter 'status' supplied. Valid values are "
                + "LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, LOGGED_MODEL_UPLOAD_FAILED (or 1, 2, 3).", value);
    }
}
