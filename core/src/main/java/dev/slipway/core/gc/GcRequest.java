package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code slipway gc} should remove.
 *
 * <ul>
 *   <li>No ids: every deleted run and every deleted experiment (deleted before {@code olderThan} ago, when given).</li>
 *   <li>{@code runIds}: those runs only; each must be deleted (and deleted long enough ago).</li>
 *   <li>{@code experimentIds}: those experiments, each deleted (long enough ago), with their deleted runs.</li>
 * </ul>
 * An experiment goes only once it has no runs left, so one whose runs are partly recent stays until they are old
 * enough.
 *
 * @param olderThan the least time since deletion; absent means any deleted run or experiment
 * @param dryRun report what would go without removing anything
 */
public record GcRequest(Optional<Duration> olderThan, List<String> runIds, List<String> experimentIds,
        boolean dryRun) {
    public GcRequest {
        requireNonNull(olderThan, "olderThan is null");
        olderThan.ifPresent(age -> {
            if (age.isNegative()) {
                throw new IllegalArgumentException("olderThan is negative: " + age);
            }
        });
        runIds = List.copyOf(requireNonNull(runIds, "runIds is null"));
        experimentIds = List.copyOf(requireNonNull(experimentIds, "experimentIds is null"));
    }

    /**
     * Parses an age as MLflow's {@code gc --older-than} does, in the grammar of {@link Durations}: such as {@code 30d},
     * {@code 8h}, {@code 2d8h5m20s} or {@code 1.5h}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the text when it is not such an age
     */
    public static Duration parseAge(String text) {
        requireNonNull(text, "text is null");
        return Durations.tryParse(text).orElseThrow(() -> invalidAge(text));
    }

    private static SlipwayException invalidAge(String text) {
        return SlipwayException.invalidParameter("Could not parse any time information from '%s'. Examples of valid "
                + "strings: '30d', '8h', '2d8h5m20s', '2m4s'", text);
    }
}
