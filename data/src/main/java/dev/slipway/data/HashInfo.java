package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;

/**
 * A content hash as DVC records it: 32 lowercase hex digits, with a {@code .dir} suffix for a
 * directory listing, and the rule it was computed with.
 */
public record HashInfo(HashName name, String value) {
    public static final String DIR_SUFFIX = ".dir";

    public HashInfo {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        if (!isValid(value)) {
            throw SlipwayException.invalidParameter(
                    "Invalid md5 '%s': expected 32 lowercase hex digits, optionally followed by '.dir'", value);
        }
    }

    /** 32 lowercase hex digits, optionally followed by {@code .dir} (checked by hand: this runs once per file). */
    private static boolean isValid(String value) {
        int length = value.length();
        if (length != 32 && !(length == 36 && value.endsWith(DIR_SUFFIX))) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
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
