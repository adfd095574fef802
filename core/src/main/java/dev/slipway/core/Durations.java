package dev.slipway.core;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, in one grammar for every command, option and file: one or more amounts, each with a
 * unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, {@code w}), such as {@code 30s}, {@code 5m},
 * {@code 24h}, {@code 7d}, {@code 1h30m}, {@code 2d8h5m20s}, {@code 500ms} or {@code 1.5h}. MLflow's ages of
 * {@code gc --older-than} are written the same way. Durations are kept to the millisecond.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h|d|w)\\s*");
    /** The longest duration read: about 10,000 years, far beyond any age or period that means something here. */
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Duration.ofDays(3_652_500).toMillis());
    private static final String EXAMPLES = "such as 30s, 5m, 1h30m, 7d or 1.5h";

    private Durations() {}

    /** The duration the text writes, or empty when it is not one. */
    public static Optional<Duration> tryParse(String text) {
        requireNonNull(text, "text is null");
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = PART.matcher(value);
        BigDecimal millis = BigDecimal.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            millis = millis.add(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitMillis(
                    matcher.group(2)))));
            end = matcher.end();
        }
        if (end == 0 || end != value.length() || millis.compareTo(MAX_MILLIS) > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(millis.setScale(0, RoundingMode.HALF_UP).longValueExact()));
    }

    /** @throws SlipwayException INVALID_PARAMETER_VALUE, naming the text and the grammar, when it is not a duration */
    public static Duration parse(String text) {
        return tryParse(text).orElseThrow(() -> SlipwayException.invalidParameter("Invalid duration '%s': write "
                + "amounts with a unit ms, s, m, h, d or w, %s", text, EXAMPLES));
    }

    /** @throws SlipwayException INVALID_PARAMETER_VALUE when the text is not a duration, or is zero */
    public static Duration parsePositive(String text) {
        Duration duration = parse(text);
        if (duration.isZero()) {
            throw SlipwayException.invalidParameter("Invalid duration '%s': it must be longer than zero, %s", text,
                    EXAMPLES);
        }
        return duration;
    }

    /** The duration as {@link #parse} reads it, in whole units from days down: {@code 1d}, {@code 1h30m}, {@code 0s}. */
    public static String text(Duration duration) {
        requireNonNull(duration, "duration is null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, duration.toDaysPart(), "d");
        append(out, duration.toHoursPart(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        append(out, duration.toMillisPart(), "ms");
        return out.length() == 0 ? "0s" : out.toString();
    }

    /**
     * The duration for a sentence, in its largest whole unit (days only beyond two days): {@code 24 h}, {@code 7 d},
     * {@code 90 min}, {@code 45 s}, {@code 500 ms}.
     */
    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + " ms";
        }
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0 && seconds > 2 * 86_400) {
            return seconds / 86_400 + " d";
        }
        if (seconds % 3_600 == 0 && seconds > 0) {
            return seconds / 3_600 + " h";
        }
        if (seconds % 60 == 0 && seconds > 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }

    private static long unitMillis(String unit) {
        return switch (unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> 7 * 86_400_000L;
        };
    }
}
