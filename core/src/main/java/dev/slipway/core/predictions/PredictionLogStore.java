package dev.slipway.core.predictions;

import dev.slipway.core.tracking.Page;
import java.util.List;
import java.util.Optional;

/**
 * The persistence port of the prediction log: the rows model servers scored, and the actual values (feedback)
 * that arrive later for them. Predictions and feedback are stored apart and joined on read by request id and row,
 * so feedback may arrive before its prediction. {@link PredictionLogService} validates every argument before it
 * gets here.
 *
 * <p>Implementations are thread-safe. A method that returns normally has made its change durable. Failures are
 * {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface PredictionLogStore extends AutoCloseable {

    /**
     * Appends the predictions, all or none. The same request and row may be logged more than once (a shadow model
     * scores a copy of the request under the same id); each is kept.
     */
    void appendPredictions(List<LoggedPrediction> predictions);

    /**
     * Stores the feedback, all or none; feedback for a request and row that already has some replaces it (the last
     * one in the list wins), whether or not its prediction is stored yet.
     */
    void appendFeedback(List<PredictionFeedback> feedback);

    /**
     * The predictions matching the query, oldest first (ties in the order they were appended), each with the
     * feedback of its request and row when there is some; at most {@code maxResults} from the {@code offset}-th on,
     * with the token of the next page when more remain.
     */
    Page<JoinedPrediction> searchPredictions(PredictionQuery query, int maxResults, long offset);

    /** The number of predictions matching the query. */
    long countPredictions(PredictionQuery query);

    /**
     * The store of prediction sketches kept in the same database, when the backend keeps them; its lifetime is this
     * store's.
     */
    default Optional<PredictionSketchStore> sketchStore() {
        return Optional.empty();
    }

    /**
     * The store of monitors, their results, actions and leases kept in the same database, when the backend keeps
     * them; its lifetime is this store's.
     */
    default Optional<dev.slipway.core.monitors.MonitorStore> monitorStore() {
        return Optional.empty();
    }

    /**
     * The store of deployment statuses and events reported by GitOps agents, kept in the same database, when the
     * backend keeps them; its lifetime is this store's.
     */
    default Optional<dev.slipway.core.gitops.DeploymentStore> deploymentStore() {
        return Optional.empty();
    }

    /**
     * The append-only audit log kept in the same database, when the backend keeps one; its lifetime is this store's.
     */
    default Optional<dev.slipway.core.audit.AuditStore> auditStore() {
        return Optional.empty();
    }

    @Override
    void close();
}
