package dev.slipway.data;

/** The config files DVC merges, in order: each later level overrides the earlier ones. */
public enum ConfigLevel {
    /** Machine-wide: {@code /etc/xdg/dvc/config} on Linux. */
    SYSTEM,
    /** The user's: {@code ~/.config/dvc/config}. */
    GLOBAL,
    /** The repository's, committed: {@code .dvc/config}. */
    REPO,
    /** The repository's, not committed (secrets): {@code .dvc/config.local}. */
    LOCAL
}
