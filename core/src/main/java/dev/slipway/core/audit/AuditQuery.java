package dev.slipway.core.audit;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which audit entries to list; every filter given must match, an absent one matches all.
 *
 * @param user entries of this user name, exactly
 * @param action entries of this action, exactly, such as {@code model-versions/transition-stage}
 * @param resourceType entries about this kind of resource, exactly, such as {@code model_version}
 * @param resourceId entries about this resource or a resource inside it: {@code churn} matches {@code churn}, the
 *     versions {@code churn/3} and the aliases {@code churn@champion}; {@code prod} matches the deployments
 *     {@code prod/churn}
 * @param startTime entries at or after this time, epoch ms
 * @param endTime entries before this time, epoch ms
 */
public record AuditQuery(Optional<String> user, Optional<String> action, Optional<String> resourceType,
        Optional<String> resourceId, Optional<Long> startTime, Optional<Long> endTime) {
    public AuditQuery {
        requireNonNull(user, "user is null");
        requireNonNull(action, "action is null");
        requireNonNull(resourceType, "resourceType is null");
        requireNonNull(resourceId, "resourceId is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(endTime, "endTime is null");
    }

    /** Every entry. */
    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
