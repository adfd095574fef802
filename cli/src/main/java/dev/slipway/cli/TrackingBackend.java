package dev.slipway.cli;

import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.util.List;
import java.util.Optional;

/**
 * What the {@code experiments} and {@code runs} commands need from tracking, whether it is reached over HTTP
 * or opened directly. Methods throw {@link dev.slipway.core.SlipwayException} with MLflow error codes.
 */
interface TrackingBackend extends AutoCloseable {

    /** Where the data lives, for messages: the server URI or the store URI. */
    String location();

    String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags);

    Experiment getExperiment(String experimentId);

    Experiment getExperimentByName(String name);

    Page<Experiment> searchExperiments(ViewType viewType, Optional<String> filter, List<String> orderBy,
            Optional<Integer> maxResults, Optional<String> pageToken);

    void deleteExperiment(String experimentId);

    void restoreExperiment(String experimentId);

    Run getRun(String runId);

    Page<Run> searchRuns(List<String> experimentIds, Optional<String> filter, ViewType viewType,
            Optional<Integer> maxResults, List<String> orderBy, Optional<String> pageToken);

    void deleteRun(String runId);

    void restoreRun(String runId);

    @Override
    void close();
}
