package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.regex.Pattern;

/**
 * A content hash as DVC records it: 32 lowercase hex digits, with a {@code .dir} suffix for a
 * directory listing, and the rule it was computed with.
 */
public record HashInfo(HashName name, String value) {
    public static final String DIR_SUFFIX = ".dir";
    private static final Pattern VALUE = Pattern.compile("[0-9a-f]{32}(\\.dir)?");

    public HashInfo {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        if (!VALUE.matcher(value).matches()) {
            throw SlipwayException.invalidParameter(
                    "Invalid md5 '%s': expected 32 lowercase hex digits, optionally followed by '.dir'", value);
        }
    }

    /** A DVC 3 hash ({@code hash: md5}). */
    public static HashInfo md5(String value) {
        return new HashInfo(HashName.MD5, value);
    }

    public boolean isDirectory() {
        return value.endsWith(DIR_SUFFIX);
    }

    /** The 32 hex digits without the {@code .dir} suffix. */
    public String hex() {
        return isDirectory() ? value.substring(0, value.length() - DIR_SUFFIX.length()) : value;
    }

    @Override
    public String toString() {
        return name.dvcName() + ":" + value;
    }
}
