package dev.slipway.serving;

import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import java.util.List;

/**
 * Where served predictions are recorded for monitoring and joined later with the actual values (feedback).
 * {@link #record} never blocks the request: an implementation queues, and when the queue is full it samples and
 * counts what it dropped. Thread-safe.
 */
public interface PredictionLog extends AutoCloseable {

    /** Logs nothing. */
    PredictionLog NONE = new PredictionLog() {
        @Override
        public void record(List<LoggedPrediction> rows) {}

        @Override
        public void feedback(List<PredictionFeedback> feedback) {}
    };

    /** Queues the scored rows of one request; returns at once. */
    void record(List<LoggedPrediction> rows);

    /**
     * Stores actual values for earlier predictions, by request id (and row).
     *
     * @throws dev.slipway.core.SlipwayException when the store refuses them (unknown request ids are kept: labels may
     *     arrive before the queued predictions are written)
     */
    void feedback(List<PredictionFeedback> feedback);

    /** Rows waiting in the queue. */
    default long queueDepth() {
        return 0;
    }

    /** Rows dropped because the queue was full, since start. */
    default long droppedRows() {
        return 0;
    }

    /** Flushes what is queued (waiting a bounded time) and stops. */
    @Override
    default void close() {}
}
