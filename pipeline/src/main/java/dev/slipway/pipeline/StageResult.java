package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a repro did with one stage.
 *
 * @param exitCode the exit code of the last command line run, when one ran
 * @param reason why the stage was considered changed, when it was
 * @param error what went wrong, for FAILED
 */
public record StageResult(String stage, Outcome outcome, OptionalInt exitCode, Duration duration,
        Optional<String> reason, Optional<String> error) {
    /** The fate of a stage in a repro. */
    public enum Outcome {
        /** The command ran and succeeded; outputs saved, lock entry written. */
        RAN,
        /** Outputs restored from the run-cache instead of running; lock entry written. */
        RESTORED,
        /** Unchanged (or frozen): nothing done. */
        UNCHANGED,
        /** Changed, but this was a dry run. */
        WOULD_RUN,
        /** A command failed (or an output was missing); lock entry left as it was. */
        FAILED,
        /** Not started: a stage it depends on failed, or the repro stopped after a failure. */
        NOT_RUN,
        /** Stopped by an interruption; lock entry left as it was. */
        INTERRUPTED
    }

    public StageResult {
        requireNonNull(stage, "stage is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(error, "error is null");
    }

    /** Whether the stage ended in a state its dependents may build on. */
    public boolean succeeded() {
        return switch (outcome) {
            case RAN, RESTORED, UNCHANGED, WOULD_RUN -> true;
            case FAILED, NOT_RUN, INTERRUPTED -> false;
        };
    }
}
