package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.predictions.PredictionLogService;
import java.time.Duration;

/**
 * How {@link TrackingPredictionLog} queues and sends rows.
 *
 * @param capacity the most rows waiting in the queue; beyond it rows are sampled and dropped
 * @param batchSize the most rows sent in one request (at most {@link PredictionLogService#MAX_BATCH_ROWS})
 * @param linger how long a batch that is not full waits for more rows before it is sent
 * @param keepOneIn while the queue is full, one in this many arriving rows is kept (it replaces the oldest queued
 *     row); 1 keeps every arriving row and drops the oldest instead
 * @param maxAttempts how many times a batch is sent before it is dropped, when the server fails or is unreachable
 * @param initialBackoff the wait after the first failed attempt; it doubles after each further failure
 * @param maxBackoff the longest wait between attempts
 * @param closeTimeout how long {@link TrackingPredictionLog#close()} waits for the queue to be sent
 */
public record PredictionLogOptions(int capacity, int batchSize, Duration linger, int keepOneIn, int maxAttempts,
        Duration initialBackoff, Duration maxBackoff, Duration closeTimeout) {
    public PredictionLogOptions {
        requireNonNull(linger, "linger is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(closeTimeout, "closeTimeout is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (batchSize < 1 || batchSize > PredictionLogService.MAX_BATCH_ROWS) {
            throw new IllegalArgumentException("batchSize must be between 1 and "
                    + PredictionLogService.MAX_BATCH_ROWS + ": " + batchSize);
        }
        if (keepOneIn < 1) {
            throw new IllegalArgumentException("keepOneIn must be positive: " + keepOneIn);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be positive: " + maxAttempts);
        }
        if (linger.isNegative() || initialBackoff.isNegative() || maxBackoff.isNegative()
                || closeTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /**
     * 100,000 rows of queue, batches of 1,000 rows lingering 200 ms, 1 in 10 overflowing rows kept, 5 attempts
     * 100 ms to 5 s apart, 10 s to flush at close.
     */
    public static PredictionLogOptions defaults() {
        return new PredictionLogOptions(100_000, 1000, Duration.ofMillis(200), 10, 5, Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    public PredictionLogOptions withCapacity(int value) {
        return new PredictionLogOptions(value, batchSize, linger, keepOneIn, maxAttempts, initialBackoff, maxBackoff,
                closeTimeout);
    }

    public PredictionLogOptions withBatchSize(int value) {
        return new PredictionLogOptions(capacity, value, linger, keepOneIn, maxAttempts, initialBackoff, maxBackoff,
                closeTimeout);
    }
}
