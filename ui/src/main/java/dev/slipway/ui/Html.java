package dev.slipway.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Escaping and small formatting helpers for server-rendered HTML. Every value from a user or a store goes through
 * {@link #text} (element content) or {@link #attr} (attribute values, always double-quoted). */
public final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Html() {}

    /** The text escaped for element content and double-quoted attribute values. */
    public static String text(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The same escaping as {@link #text}; named for attribute positions. */
    public static String attr(String value) {
        return text(value);
    }

    /** A query-string component: {@code a b&c} is {@code a+b%26c}. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A path segment: like {@link #query}, with spaces as {@code %20}. */
    public static String path(String value) {
        return query(value).replace("+", "%20");
    }

    /** Epoch milliseconds as {@code yyyy-MM-dd HH:mm:ss} in the zone; 0 or less as an en dash. */
    public static String time(long epochMillis, ZoneId zone) {
        return epochMillis <= 0 ? "\u2013" : TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    /** A metric value: whole numbers without a fraction, others with up to 6 significant digits. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.6g", value).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                .replaceFirst("\\.(e|$)", "$1");
    }
}
