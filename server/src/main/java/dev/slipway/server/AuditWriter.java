package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit entries to the {@link AuditStore} off the request threads: {@link #submit} puts an entry in a bounded
 * queue and never waits; one background thread takes what is queued, waits up to {@code linger} for more, and appends
 * up to {@code batchSize} entries in one transaction. An entry is stored about {@code linger} after its request.
 *
 * <p>An entry that finds the queue full, or arrives once the writer is closing, is dropped and counted; so is a
 * batch the store still refuses after {@value #MAX_ATTEMPTS} attempts (it is logged without its contents). The
 * counters and the queue depth are in {@code /metrics}. {@link #close()} stores what is queued, waiting up to the
 * close timeout. Thread-safe.
 */
final class AuditWriter implements AutoCloseable {
    static final int DEFAULT_CAPACITY = 10_000;
    static final int DEFAULT_BATCH_SIZE = 500;
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a batch waits for more entries: fewer, larger transactions, which other writers wait less for. */
    static final Duration DEFAULT_LINGER = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_ATTEMPTS = 5;
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final AuditStore store;
    private final int batchSize;
    private final Duration linger;
    private final Duration closeTimeout;
    private final BlockingQueue<AuditEntry> queue;
    private final Thread writer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedWriteFailed = new AtomicLong();
    private volatile boolean closing;

    AuditWriter(AuditStore store, int capacity, int batchSize, Duration linger, Duration closeTimeout) {
        this.store = requireNonNull(store, "store is null");
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batchSize must be positive: " + capacity + ", "
                    + batchSize);
        }
        this.batchSize = batchSize;
        this.linger = requireNonNull(linger, "linger is null");
        this.closeTimeout = requireNonNull(closeTimeout, "closeTimeout is null");
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeLoop, "slipway-audit-writer");
        this.writer.setDaemon(true);
    }

    /** A writer with the default capacity, batch size and close timeout, already writing. */
    static AuditWriter start(AuditStore store) {
        AuditWriter auditWriter = new AuditWriter(store, DEFAULT_CAPACITY, DEFAULT_BATCH_SIZE, DEFAULT_LINGER,
                DEFAULT_CLOSE_TIMEOUT);
        auditWriter.startWriting();
        return auditWriter;
    }

    /** Starts the background writer; until then entries only queue up. */
    void startWriting() {
        writer.start();
    }

    /** Queues the entry; drops and counts it when the queue is full or the writer is closing. */
    void submit(AuditEntry entry) {
        requireNonNull(entry, "entry is null");
        if (closing || !queue.offer(entry)) {
            droppedQueueFull.incrementAndGet();
        }
    }

    long written() {
        return written.get();
    }

    /** Entries dropped because the queue was full or the writer closing, plus those the store refused. */
    long dropped() {
        return droppedQueueFull.get() + droppedWriteFailed.get();
    }

    /** The series of the writer, in the Prometheus text format. */
    void appendMetrics(StringBuilder out) {
        out.append("# HELP slipway_audit_entries_written_total Audit log entries stored.\n");
        out.append("# TYPE slipway_audit_entries_written_total counter\n");
        out.append("slipway_audit_entries_written_total ").append(written.get()).append('\n');
        out.append("# HELP slipway_audit_entries_dropped_total Audit log entries lost: the queue was full (or the "
                + "server stopping), or the database refused them.\n");
        out.append("# TYPE slipway_audit_entries_dropped_total counter\n");
        out.append("slipway_audit_entries_dropped_total{reason=\"queue_full\"} ").append(droppedQueueFull.get())
                .append('\n');
        out.append("slipway_audit_entries_dropped_total{reason=\"write_failed\"} ").append(droppedWriteFailed.get())
                .append('\n');
        out.append("# HELP slipway_audit_queue_depth Audit log entries waiting to be stored.\n");
        out.append("# TYPE slipway_audit_queue_depth gauge\n");
        out.append("slipway_audit_queue_depth ").append(queue.size()).append('\n');
    }

    /** Stores what is queued, waiting at most the close timeout; what is left then is dropped and counted. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (writer.isAlive()) {
            try {
                writer.join(Math.max(1, closeTimeout.toMillis()));
                if (writer.isAlive()) {
                    writer.interrupt();
                    writer.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<AuditEntry> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            droppedQueueFull.addAndGet(left.size());
            LOG.warn("The audit log was closed with {} entries not stored; they are lost", left.size());
        }
    }

    private void writeLoop() {
        List<AuditEntry> batch = new ArrayList<>(batchSize);
        while (true) {
            try {
                AuditEntry first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                fill(batch);
                store(batch);
            } catch (InterruptedException e) {
                droppedQueueFull.addAndGet(batch.size());
                return;
            } catch (RuntimeException e) {
                droppedWriteFailed.addAndGet(batch.size());
                LOG.error("The audit log lost {} entries after an unexpected failure", batch.size(), e);
            }
            batch.clear();
        }
    }

    /** Adds what is queued, waiting up to the linger time for more (not when closing), up to the batch size. */
    private void fill(List<AuditEntry> batch) throws InterruptedException {
        queue.drainTo(batch, batchSize - batch.size());
        long lingerEnd = System.nanoTime() + linger.toNanos();
        while (batch.size() < batchSize && !closing) {
            long remaining = lingerEnd - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            AuditEntry next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    private void store(List<AuditEntry> batch) throws InterruptedException {
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                store.append(List.copyOf(batch));
                written.addAndGet(batch.size());
                return;
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || closing && attempt >= 2) {
                    droppedWriteFailed.addAndGet(batch.size());
                    LOG.error("The audit log lost {} entries: the database refused them {} times: {}", batch.size(),
                            attempt, e.getMessage());
                    return;
                }
                LOG.warn("Storing {} audit entries failed (attempt {} of {}); retrying: {}", batch.size(), attempt,
                        MAX_ATTEMPTS, e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 4, 5000);
            }
        }
    }
}
