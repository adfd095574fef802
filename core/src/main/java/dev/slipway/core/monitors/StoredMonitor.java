package dev.slipway.core.monitors;

import static java.util.Objects.requireNonNull;

/**
 * A monitor as stored: its unique name, its definition (JSON text; the monitoring module's
 * {@code MonitorDefinition} reads it, core does not) and when it was created and last replaced (epoch ms).
 */
public record StoredMonitor(String name, String definitionJson, long creationTime, long lastUpdateTime) {
    public StoredMonitor {
        requireNonNull(name, "name is null");
        requireNonNull(definitionJson, "definitionJson is null");
    }
}
