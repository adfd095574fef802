package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The fields of a run that UpdateRun changes; absent fields keep their value. */
public record RunUpdate(Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName) {
    public RunUpdate {
        requireNonNull(status, "status is null");
        requireNonNull(endTime, "endTime is null");
        requireNonNull(runName, "runName is null");
    }
}
