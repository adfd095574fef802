package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.ViewType;
import java.util.List;
import java.util.Optional;

/** Tracking on a store opened in this process (the local {@code .slipway} store, or a database URI). */
final class EmbeddedTrackingBackend implements TrackingBackend {
    private final String storeUri;
    private final TrackingStore store;
    private final TrackingService tracking;

    /** Takes ownership of the store: {@link #close()} closes it. */
    EmbeddedTrackingBackend(String storeUri, TrackingStore store, TrackingService tracking) {
        this.storeUri = requireNonNull(storeUri, "storeUri is null");
        this.store = requireNonNull(store, "store is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
    }

    @Override
    public String location() {
        return storeUri;
    }

    @Override
    public String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags) {
        return tracking.createExperiment(name, artifactLocation, tags);
    }

    @Override
    public Experiment getExperiment(String experimentId) {
        return tracking.getExperiment(experimentId);
    }

    @Override
    public Experiment getExperimentByName(String name) {
        return tracking.getExperimentByName(name);
    }

    @Override
    public Page<Experiment> searchExperiments(ViewType viewType, Optional<String> filter, List<String> orderBy,
            Optional<Integer> maxResults, Optional<String> pageToken) {
        return tracking.searchExperiments(viewType, filter, orderBy, maxResults, pageToken);
    }

    @Override
    public void deleteExperiment(String experimentId) {
        tracking.deleteExperiment(experimentId);
    }

    @Override
    public void restoreExperiment(String experimentId) {
        tracking.restoreExperiment(experimentId);
    }

    @Override
    public Run getRun(String runId) {
        return tracking.getRun(runId);
    }

    @Override
    public Page<Run> searchRuns(List<String> experimentIds, Optional<String> filter, ViewType viewType,
            Optional<Integer> maxResults, List<String> orderBy, Optional<String> pageToken) {
        return tracking.searchRuns(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
    }

    @Override
    public void deleteRun(String runId) {
        tracking.deleteRun(runId);
    }

    @Override
    public void restoreRun(String runId) {
        tracking.restoreRun(runId);
    }

    @Override
    public void close() {
        store.close();
    }
}
