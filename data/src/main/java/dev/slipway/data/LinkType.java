package dev.slipway.data;

import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Locale;

/** How a cached object appears in the workspace ({@code cache.type} in {@code .dvc/config}). */
public enum LinkType {
    /** A copy-on-write clone; only where the file system supports it. */
    REFLINK,
    /** The same inode as the cache object (so the workspace file is read-only too). */
    HARDLINK,
    /** A symbolic link into the cache. */
    SYMLINK,
    /** A full copy. */
    COPY;

    /** DVC's order when {@code cache.type} is unset ({@code LocalHashFileDB.DEFAULT_CACHE_TYPES}). */
    public static final List<LinkType> DEFAULT_ORDER = List.of(REFLINK, COPY);

    /** The name used in {@code .dvc/config}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses one {@code cache.type} item.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the bad value
     */
    public static LinkType parse(String value) {
        for (LinkType type : values()) {
            if (type.configName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw SlipwayException.invalidParameter(
                "Unknown cache.type '%s' in .dvc/config: expected reflink, hardlink, symlink or copy", value);
    }
}
