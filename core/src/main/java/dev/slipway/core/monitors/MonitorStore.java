package dev.slipway.core.monitors;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The persistence port of monitors: their definitions, the results of each evaluation, the actions their alert rules
 * took, and leases, so that of several server replicas on one database only one evaluates a monitor at a time.
 *
 * <p>Implementations are thread-safe and safe with several processes on one database. A method that returns normally
 * has made its change durable. Failures are {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or
 * TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface MonitorStore {

    /**
     * Creates the monitor, or with {@code replace} replaces the definition of the one with that name (keeping its
     * creation time, results and actions), in one transaction. {@code time} is the creation time of a new monitor and
     * the last update time of either.
     *
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS when a monitor of that name exists and {@code replace} is false
     */
    StoredMonitor putMonitor(String name, String definitionJson, long time, boolean replace);

    Optional<StoredMonitor> getMonitor(String name);

    /** Every monitor, by name. */
    List<StoredMonitor> listMonitors();

    /**
     * Deletes the monitor with its results, actions and lease (the lease named {@code "monitor:" + name}, the name
     * under which the scheduler evaluates a monitor); false when there was none.
     */
    boolean deleteMonitor(String name);

    /**
     * Stores a result of an existing monitor and returns it with its id (increasing with each result stored).
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    MonitorResult addResult(MonitorResult result);

    /** The monitor's latest results, newest first (by time, then id), at most {@code maxResults}. */
    List<MonitorResult> results(String monitorName, int maxResults);

    /** The time of the monitor's latest result (epoch ms), without reading it; empty when it has none. */
    OptionalLong latestResultTime(String monitorName);

    /**
     * Stores an action of an existing monitor and returns it with its id.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    MonitorAction addAction(MonitorAction action);

    /** The latest actions, of one monitor or of all, newest first (by time, then id), at most {@code maxResults}. */
    List<MonitorAction> actions(Optional<String> monitorName, int maxResults);

    /** How many actions each monitor has taken, by kind and outcome, sorted by monitor, kind and outcome. */
    List<ActionCount> actionCounts();

    /**
     * Takes or renews the lease named {@code name} for {@code owner} until {@code now + durationMillis}: succeeds when
     * nobody holds it, when {@code owner} holds it, or when its holder's lease expired before {@code now}. Atomic
     * across processes: of two owners asking at once, at most one gets it.
     *
     * @return whether {@code owner} holds the lease now
     */
    boolean tryAcquireLease(String name, String owner, long now, long durationMillis);

    /** Gives the lease up if {@code owner} holds it; does nothing otherwise. */
    void releaseLease(String name, String owner);
}
