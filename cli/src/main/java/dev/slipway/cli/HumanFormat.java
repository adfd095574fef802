package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times, durations and numbers as people read them. */
final class HumanFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ZoneId zone;

    HumanFormat(ZoneId zone) {
        this.zone = requireNonNull(zone, "zone is null");
    }

    /** Epoch milliseconds as local {@code yyyy-MM-dd HH:mm:ss}; 0 (unknown) as "-". */
    String time(long epochMillis) {
        if (epochMillis <= 0) {
            return "-";
        }
        return TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    /** {@code 850ms}, {@code 12.3s}, {@code 4m 05s}, {@code 2h 03m}, {@code 3d 04h}. */
    static String duration(long millis) {
        if (millis < 0) {
            return "-";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd %02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /** Whole numbers without a fraction, others as Java prints doubles. */
    static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.valueOf(value);
    }
}
