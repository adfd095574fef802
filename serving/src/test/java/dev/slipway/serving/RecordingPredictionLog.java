package dev.slipway.serving;

import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import java.util.ArrayList;
import java.util.List;

/** A prediction log that keeps everything in memory, for tests. */
class RecordingPredictionLog implements PredictionLog {
    private final List<LoggedPrediction> records = new ArrayList<>();
    private final List<PredictionFeedback> feedback = new ArrayList<>();

    @Override
    public synchronized void record(List<LoggedPrediction> rows) {
        records.addAll(rows);
        notifyAll();
    }

    /** Waits (at most a minute, as a guard against hanging) until {@code count} rows have been recorded. */
    synchronized List<LoggedPrediction> awaitRecords(int count) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (records.size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + records.size() + " of " + count + " rows were recorded");
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(records);
    }

    @Override
    public synchronized void feedback(List<PredictionFeedback> items) {
        feedback.addAll(items);
    }

    @Override
    public synchronized long queueDepth() {
        return records.size();
    }

    synchronized List<LoggedPrediction> records() {
        return List.copyOf(records);
    }

    synchronized List<PredictionFeedback> feedbackItems() {
        return List.copyOf(feedback);
    }
}
