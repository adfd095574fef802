package dev.slipway.core.tracking;

/** Soft-deletion state of experiments and runs; the wire form is the lower-case name. */
public enum LifecycleStage {
    ACTIVE,
    DELETED;

    public String wireName() {
        return this == ACTIVE ? "active" : "deleted";
    }

    public static LifecycleStage fromWire(String value) {
        return switch (value) {
            case "active" -> ACTIVE;
            case "deleted" -> DELETED;
            default -> throw new IllegalArgumentException("Unknown lifecycle stage: " + value);
        };
    }
}
