package dev.slipway.monitoring;

import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on the command line: {@code 30m}, {@code 24h}, {@code 7d}, {@code 90s}. */
public final class HumanDuration {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*([smhd])");

    private HumanDuration() {}

    /** @throws SlipwayException INVALID_PARAMETER_VALUE for anything but a positive whole number and s, m, h or d */
    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw SlipwayException.invalidParameter("Invalid duration '%s': expected a positive number and a unit "
                    + "s, m, h or d, such as 24h or 30m", text);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The duration as {@link #parse} reads it, in the largest whole unit: {@code 24h} is {@code 1d}, 90 min {@code 90m}. */
    public static String text(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    /** The duration in days beyond two days, else hours, minutes or seconds, whichever is whole: {@code 24 h}. */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0 && seconds > 2 * 86_400) {
            return seconds / 86_400 + " d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + " h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }
}
