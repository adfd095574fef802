package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.PredictionLogClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
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
 * A {@link PredictionLog} that sends rows to the prediction log of a tracking server through its REST API. Rows go
 * into a bounded queue; one background thread takes up to {@code batchSize} rows at a time (waiting up to
 * {@code linger} for a batch to fill) and posts them as one batch.
 *
 * <p>{@link #record} never waits. While the queue is full, one in {@code keepOneIn} arriving rows takes the place of
 * the oldest queued row, so that a saturated log keeps sampling current traffic; every other arriving row is
 * dropped. Either way each row that finds the queue full costs exactly one dropped row, counted by
 * {@link #droppedRows()}.
 *
 * <p>A batch the server fails to take (unreachable, 5xx) is sent again after a backoff, up to {@code maxAttempts}
 * times, then dropped and counted; meanwhile the queue absorbs new rows and overflows as above. A batch the server
 * refuses as bad input is split in halves until the refused rows are isolated; those are dropped and counted.
 * Failures are logged, never thrown to the caller. Thread-safe.
 */
public final class TrackingPredictionLog implements PredictionLog {
    private static final Logger LOG = LoggerFactory.getLogger(TrackingPredictionLog.class);
    /** How often the idle sender looks whether it has been closed. */
    private static final long IDLE_POLL_MILLIS = 100;
    /** How long {@link #close()} waits for an interrupted sender to finish, after its close timeout. */
    private static final long STOP_WAIT_MILLIS = 2000;

    private final PredictionLogClient client;
    private final PredictionLogOptions options;
    private final BlockingQueue<LoggedPrediction> queue;
    private final Thread sender;
    private final AtomicLong overflowingRows = new AtomicLong();
    private final AtomicLong droppedRows = new AtomicLong();
    private final AtomicLong storedRows = new AtomicLong();
    private final AtomicLong sentBatches = new AtomicLong();
    private volatile boolean closing;
    /** When closing, the System.nanoTime after which batches are no longer retried. */
    private volatile long closeDeadline;

    /** Creates the log without starting its sender: rows queue up until {@link #startSending()}. */
    TrackingPredictionLog(PredictionLogClient client, PredictionLogOptions options) {
        this.client = requireNonNull(client, "client is null");
        this.options = requireNonNull(options, "options is null");
        this.queue = new ArrayBlockingQueue<>(options.capacity());
        this.sender = new Thread(this::sendLoop, "slipway-prediction-log");
        this.sender.setDaemon(true);
    }

    /** A log that starts sending at once to the prediction log of the client's server. */
    public static TrackingPredictionLog start(PredictionLogClient client, PredictionLogOptions options) {
        TrackingPredictionLog log = new TrackingPredictionLog(client, options);
        log.startSending();
        return log;
    }

    void startSending() {
        sender.start();
    }

    @Override
    public void record(List<LoggedPrediction> rows) {
        requireNonNull(rows, "rows is null");
        if (closing) {
            droppedRows.addAndGet(rows.size());
            return;
        }
        for (LoggedPrediction row : rows) {
            if (queue.offer(row)) {
                continue;
            }
            if (overflowingRows.incrementAndGet() % options.keepOneIn() != 0) {
                droppedRows.incrementAndGet();
                continue;
            }
            LoggedPrediction evicted = queue.poll();
            boolean kept = queue.offer(row);
            droppedRows.addAndGet((evicted == null ? 0 : 1) + (kept ? 0 : 1));
        }
    }

    /**
     * Sends the feedback to the tracking server at once, on the caller's thread.
     *
     * @throws SlipwayException when the server refuses it or cannot be reached
     */
    @Override
    public void feedback(List<PredictionFeedback> feedback) {
        requireNonNull(feedback, "feedback is null");
        if (feedback.isEmpty()) {
            return;
        }
        client.feedback(List.copyOf(feedback));
    }

    @Override
    public long queueDepth() {
        return queue.size();
    }

    @Override
    public long droppedRows() {
        return droppedRows.get();
    }

    /** Rows the tracking server has stored, since start. */
    public long storedRows() {
        return storedRows.get();
    }

    /** Batches the tracking server has stored, since start. */
    public long sentBatches() {
        return sentBatches.get();
    }

    /**
     * Sends what is queued, waiting at most the close timeout, then stops the sender; rows still queued then are
     * dropped and counted. Rows recorded afterwards are dropped and counted.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closeDeadline = System.nanoTime() + options.closeTimeout().toNanos();
        closing = true;
        if (sender.isAlive()) {
            try {
                sender.join(Math.max(1, options.closeTimeout().toMillis()));
                if (sender.isAlive()) {
                    sender.interrupt();
                    sender.join(STOP_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<LoggedPrediction> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            droppedRows.addAndGet(left.size());
            LOG.warn("Prediction log closed with {} rows not sent; they are dropped", left.size());
        }
    }

    private void sendLoop() {
        List<LoggedPrediction> batch = new ArrayList<>(options.batchSize());
        while (true) {
            try {
                if (!fillBatch(batch)) {
                    return;
                }
            } catch (InterruptedException e) {
                droppedRows.addAndGet(batch.size());
                return;
            }
            try {
                deliver(batch);
            } catch (RuntimeException e) {
                // deliver handles the client's failures; anything else must not kill the sender
                droppedRows.addAndGet(batch.size());
                LOG.error("Prediction log: dropped {} rows after an unexpected failure", batch.size(), e);
            }
            batch.clear();
        }
    }

    /**
     * Waits for a first row, then for more until the batch is full or the linger time has passed (not when
     * closing).
     *
     * @return false when the log is closing and the queue is empty
     */
    private boolean fillBatch(List<LoggedPrediction> batch) throws InterruptedException {
        LoggedPrediction first = null;
        while (first == null) {
            if (closing && queue.isEmpty()) {
                return false;
            }
            first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        batch.add(first);
        queue.drainTo(batch, options.batchSize() - batch.size());
        long lingerEnd = System.nanoTime() + options.linger().toNanos();
        while (batch.size() < options.batchSize() && !closing) {
            long remaining = lingerEnd - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            LoggedPrediction next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, options.batchSize() - batch.size());
        }
        return true;
    }

    /** Sends the rows; rows refused as bad input are isolated by halving and dropped, the rest sent again. */
    private void deliver(List<LoggedPrediction> rows) {
        switch (send(rows)) {
            case STORED -> {
                storedRows.addAndGet(rows.size());
                sentBatches.incrementAndGet();
            }
            case GAVE_UP -> droppedRows.addAndGet(rows.size());
            case REFUSED -> {
                if (rows.size() == 1) {
                    droppedRows.incrementAndGet();
                } else {
                    int half = rows.size() / 2;
                    deliver(rows.subList(0, half));
                    deliver(rows.subList(half, rows.size()));
                }
            }
        }
    }

    private enum Outcome {
        STORED,
        REFUSED,
        GAVE_UP
    }

    private Outcome send(List<LoggedPrediction> rows) {
        List<LoggedPrediction> predictions = List.copyOf(rows);
        Duration backoff = options.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                client.appendBatch(predictions);
                return Outcome.STORED;
            } catch (SlipwayException e) {
                ErrorCode code = e.errorCode();
                if (code == ErrorCode.INVALID_PARAMETER_VALUE || code == ErrorCode.BAD_REQUEST) {
                    if (rows.size() == 1) {
                        LOG.warn("Prediction log: dropped row {} of request {}, refused as bad input: {}",
                                rows.get(0).rowIndex(), rows.get(0).requestId(), e.getMessage());
                    }
                    return Outcome.REFUSED;
                }
                boolean pastDeadline = closing && System.nanoTime() - closeDeadline >= 0;
                if (code == ErrorCode.ENDPOINT_NOT_FOUND || attempt >= options.maxAttempts() || pastDeadline
                        || Thread.currentThread().isInterrupted()) {
                    LOG.warn("Prediction log: dropped {} rows after {} attempts: {}", rows.size(), attempt,
                            e.getMessage());
                    return Outcome.GAVE_UP;
                }
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.GAVE_UP;
            }
            backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff()
                    : backoff.multipliedBy(2);
        }
    }
}
