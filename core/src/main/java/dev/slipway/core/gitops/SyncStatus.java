package dev.slipway.core.gitops;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether what runs matches what Git describes, as a GitOps agent last saw it; stored and sent by its wire name
 * ({@code Synced}, {@code OutOfSync}, {@code Unknown}, the words of Argo CD).
 */
public enum SyncStatus {
    /** What runs is what Git describes. */
    SYNCED("Synced"),
    /** What runs differs from what Git describes: a change not applied yet, or drift of the live objects. */
    OUT_OF_SYNC("OutOfSync"),
    /** The agent could not compare, for instance because the cluster could not be read. */
    UNKNOWN("Unknown");

    private static final String WIRE_NAMES = Arrays.stream(values()).map(SyncStatus::wireName)
            .collect(Collectors.joining(", "));

    private final String wireName;

    SyncStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The status with this wire name, in any case. */
    public static Optional<SyncStatus> fromWireName(String wireName) {
        for (SyncStatus status : values()) {
            if (status.wireName.equalsIgnoreCase(wireName)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    /**
     * The status with this wire name, in any case.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the allowed values for any other text
     */
    public static SyncStatus parse(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> SlipwayException.invalidParameter(
                "Invalid value '%s' for parameter 'sync': expected one of %s", DeploymentStatus.abbreviate(wireName),
                WIRE_NAMES));
    }
}
