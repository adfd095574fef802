package dev.slipway.core.registry;

/** The registration status of a model version; this server registers synchronously, so versions are READY. */
public enum ModelVersionStatus {
    PENDING_REGISTRATION,
    FAILED_REGISTRATION,
    READY
}
