package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern AGE = Pattern.compile(
            "((?<days>[0-9.]+)d)?((?<hours>[0-9.]+)h)?((?<minutes>[0-9.]+)m)?((?<seconds>[0-9.]+)s)?");

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
     * Parses an age as MLflow's {@code gc --older-than} does: days, hours, minutes and seconds in that order, each
     * optional and possibly fractional, such as {@code 30d}, {@code 8h}, {@code 2d8h5m20s} or {@code 1.5h}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the text when it is not such an age
     */
    public static Duration parseAge(String text) {
        requireNonNull(text, "text is null");
        Matcher matcher = AGE.matcher(text.trim());
        if (text.isBlank() || !matcher.matches()) {
            throw invalidAge(text);
        }
        double seconds = 0;
        try {
            seconds += part(matcher.group("days"), 86_400);
            seconds += part(matcher.group("hours"), 3_600);
            seconds += part(matcher.group("minutes"), 60);
            seconds += part(matcher.group("seconds"), 1);
        } catch (NumberFormatException e) {
            throw invalidAge(text);
        }
        if (!Double.isFinite(seconds) || seconds > Long.MAX_VALUE / 1_000_000_000.0) {
            throw invalidAge(text);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static double part(String value, long secondsPerUnit) {
        return value == null ? 0 : Double.parseDouble(value) * secondsPerUnit;
    }

    private static SlipwayException invalidAge(String text) {
        return SlipwayException.invalidParameter("Could not parse any time information from '%s'. Examples of valid "
                + "strings: '30d', '8h', '2d8h5m20s', '2m4s'", text);
    }
}
