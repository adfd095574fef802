package dev.slipway.core.tracking;

import dev.slipway.core.SlipwayException;

/** Run status with MLflow's enum numbers. */
public enum RunStatus {
    RUNNING(1),
    SCHEDULED(2),
    FINISHED(3),
    FAILED(4),
    KILLED(5);

    private final int number;

    RunStatus(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Accepts the name (any case) or the enum number. */
    public static RunStatus parse(String value) {
        for (RunStatus status : values()) {
            if (status.name().equalsIgnoreCase(value) || String.valueOf(status.number).equals(value)) {
                return status;
            }
        }
        throw SlipwayException.invalidParameter("Invalid value %s for parameter 'status' supplied", value);
    }
}
