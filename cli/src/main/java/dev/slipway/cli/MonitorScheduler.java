package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.monitoring.MonitorDefinition;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the monitors stored in the server's database on their schedules, inside the server. Every {@code tick} it
 * looks for monitors whose latest result is older than their schedule (or that never ran) and evaluates each on a
 * small pool. Of several server replicas on one database only one evaluates a monitor at a time: it first takes the
 * lease {@code monitor:<name>} in the database, then checks again that the monitor is still due (another replica may
 * just have evaluated it), evaluates it and gives the lease up. A replica that dies mid-evaluation loses its lease
 * after {@link #LEASE}.
 *
 * <p>Thread-safe; {@link #close} stops it, letting running evaluations end within a few seconds.
 */
final class MonitorScheduler implements AutoCloseable {
    static final Duration DEFAULT_TICK = Duration.ofSeconds(5);
    static final Duration LEASE = Duration.ofMinutes(90);
    static final String LEASE_PREFIX = "monitor:";
    private static final Logger LOG = LoggerFactory.getLogger(MonitorScheduler.class);

    private final MonitorStore store;
    private final MonitorEvaluator evaluator;
    private final Clock clock;
    private final String owner;
    private final Duration tick;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final ExecutorService pool;

    MonitorScheduler(MonitorStore store, MonitorEvaluator evaluator, Clock clock, String owner, Duration tick,
            int threads) {
        this.store = requireNonNull(store, "store is null");
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.tick = requireNonNull(tick, "tick is null");
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "slipway-monitor-tick"));
        this.pool = Executors.newFixedThreadPool(threads, runnable -> daemon(runnable, "slipway-monitor"));
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** An owner name unique to this process: host, process id and a random part. */
    static String processOwner() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    void start() {
        ticker.scheduleWithFixedDelay(this::tickSafely, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Checking the monitors' schedules failed: {}", Main.describe(e));
        }
    }

    /** One pass: starts the evaluation of each due monitor this process can lease; returns how many it started. */
    int tick() {
        int started = 0;
        for (StoredMonitor stored : store.listMonitors()) {
            Optional<MonitorDefinition> definition = definition(stored);
            if (definition.isEmpty() || running.contains(stored.name()) || !due(definition.get())) {
                continue;
            }
            String lease = LEASE_PREFIX + stored.name();
            if (!store.tryAcquireLease(lease, owner, clock.millis(), LEASE.toMillis())) {
                continue;
            }
            running.add(stored.name());
            started++;
            pool.execute(() -> {
                try {
                    if (due(definition.get())) {
                        evaluator.evaluate(definition.get());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Monitor {} failed: {}", stored.name(), Main.describe(e));
                } finally {
                    try {
                        store.releaseLease(lease, owner);
                    } catch (RuntimeException e) {
                        LOG.warn("Giving up the lease of monitor {} failed: {}", stored.name(), Main.describe(e));
                    } finally {
                        running.remove(stored.name());
                    }
                }
            });
        }
        return started;
    }

    /** Whether the monitor never ran or its latest result is at least one schedule old. */
    private boolean due(MonitorDefinition definition) {
        OptionalLong latest = store.latestResultTime(definition.name());
        return latest.isEmpty() || clock.millis() - latest.getAsLong() >= definition.schedule().toMillis();
    }

    private Optional<MonitorDefinition> definition(StoredMonitor stored) {
        try {
            JsonNode json = TrackingCommand.json().readTree(stored.definitionJson());
            return Optional.of(MonitorDefinition.fromJson(json));
        } catch (IOException | SlipwayException e) {
            if (!unreadable.add(stored.name() + "@" + stored.lastUpdateTime())) {
                return Optional.empty();
            }
            LOG.warn("Monitor {} has a definition this version cannot read, so it does not run: {}", stored.name(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether an evaluation is running in this process. */
    boolean busy() {
        return !running.isEmpty();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
