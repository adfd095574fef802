package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.util.List;
import java.util.Optional;

/** Tracking on a remote server, through {@link TrackingClient}. */
final class HttpTrackingBackend implements TrackingBackend {
    private final TrackingClient client;

    HttpTrackingBackend(TrackingClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    @Override
    public String location() {
        return client.trackingUri().toString();
    }

    @Override
    public String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags) {
        return client.createExperiment(name, artifactLocation, tags);
    }

    @Override
    public Experiment getExperiment(String experimentId) {
        return client.getExperiment(experimentId);
    }

    @Override
    public Experiment getExperimentByName(String name) {
        return client.getExperimentByName(name);
    }

    @Override
    public Page<Experiment> searchExperiments(ViewType viewType, Optional<String> filter, List<String> orderBy,
            Optional<Integer> maxResults, Optional<String> pageToken) {
        return client.searchExperiments(viewType, filter, orderBy, maxResults, pageToken);
    }

    @Override
    public void deleteExperiment(String experimentId) {
        client.deleteExperiment(experimentId);
    }

    @Override
    public void restoreExperiment(String experimentId) {
        client.restoreExperiment(experimentId);
    }

    @Override
    public Run getRun(String runId) {
        return client.getRun(runId);
    }

    @Override
    public Page<Run> searchRuns(List<String> experimentIds, Optional<String> filter, ViewType viewType,
            Optional<Integer> maxResults, List<String> orderBy, Optional<String> pageToken) {
        return client.searchRuns(experimentIds, filter, viewType, maxResults, orderBy, pageToken);
    }

    @Override
    public void deleteRun(String runId) {
        client.deleteRun(runId);
    }

    @Override
    public void restoreRun(String runId) {
        client.restoreRun(runId);
    }

    @Override
    public void close() {}
}
