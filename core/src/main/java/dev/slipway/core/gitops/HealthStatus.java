package dev.slipway.core.gitops;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a deployment's model server is doing, as a GitOps agent last saw it; stored and sent by its wire name
 * ({@code Healthy}, {@code Progressing}, {@code Degraded}, {@code Suspended}, {@code Missing}, {@code Unknown}, the
 * words of Argo CD).
 */
public enum HealthStatus {
    /** Every replica is ready and answers. */
    HEALTHY("Healthy"),
    /** Starting, rolling out or in a canary step: not yet healthy, but on its way. */
    PROGRESSING("Progressing"),
    /** Failing: replicas crash, are not ready, or a canary check failed. */
    DEGRADED("Degraded"),
    /** Scaled to zero or paused on purpose. */
    SUSPENDED("Suspended"),
    /** Described in Git but not running at all. */
    MISSING("Missing"),
    /** The agent could not tell. */
    UNKNOWN("Unknown");

    private static final String WIRE_NAMES = Arrays.stream(values()).map(HealthStatus::wireName)
            .collect(Collectors.joining(", "));

    private final String wireName;

    HealthStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The status with this wire name, in any case. */
    public static Optional<HealthStatus> fromWireName(String wireName) {
        for (HealthStatus status : values()) {
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
    public static HealthStatus parse(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> SlipwayException.invalidParameter(
                "Invalid value '%s' for parameter 'health': expected one of %s", DeploymentStatus.abbreviate(wireName),
                WIRE_NAMES));
    }
}
