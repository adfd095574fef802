package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The tracking, registry, logged-model and prediction log stores opened (and migrated) on one backend store URI,
 * with the services over them: what a server serves. Closing closes the stores, the last opened first, even when one
 * close fails.
 */
final class BackendServices implements AutoCloseable {
    private final TrackingService tracking;
    private final RegistryService registry;
    private final LoggedModelService loggedModels;
    private final PredictionLogService predictionLog;
    private final List<AutoCloseable> stores;

    private BackendServices(TrackingService tracking, RegistryService registry, LoggedModelService loggedModels,
            PredictionLogService predictionLog, List<AutoCloseable> stores) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.loggedModels = requireNonNull(loggedModels, "loggedModels is null");
        this.predictionLog = requireNonNull(predictionLog, "predictionLog is null");
        this.stores = List.copyOf(stores);
    }

    /**
     * Opens the four stores on {@code storeUri}; if one fails, those already open are closed.
     *
     * @param defaultArtifactRoot where new experiments put their artifacts
     */
    static BackendServices open(Backends backends, String storeUri, String defaultArtifactRoot, Clock clock) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TrackingStore trackingStore = backends.openTrackingStore(storeUri);
            opened.add(0, trackingStore);
            RegistryStore registryStore = backends.openRegistryStore(storeUri);
            opened.add(0, registryStore);
            LoggedModelStore loggedModelStore = backends.openLoggedModelStore(storeUri);
            opened.add(0, loggedModelStore);
            PredictionLogStore predictionLogStore = backends.openPredictionLogStore(storeUri);
            opened.add(0, predictionLogStore);
            TrackingService tracking = new TrackingService(trackingStore, clock, defaultArtifactRoot);
            return new BackendServices(tracking, new RegistryService(registryStore, clock),
                    new LoggedModelService(loggedModelStore, tracking, clock),
                    new PredictionLogService(predictionLogStore, clock), opened);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    TrackingService tracking() {
        return tracking;
    }

    RegistryService registry() {
        return registry;
    }

    LoggedModelService loggedModels() {
        return loggedModels;
    }

    /** The services as the web UI uses them, with the artifact repositories of the server and its clock and zone. */
    dev.slipway.ui.UiServices uiServices(dev.slipway.core.artifacts.ArtifactRepositories artifacts,
            Environment environment) {
        return new dev.slipway.ui.UiServices(tracking, registry, loggedModels, predictionLog, artifacts,
                environment.clock(), environment.zone());
    }

    PredictionLogService predictionLog() {
        return predictionLog;
    }

    @Override
    public void close() {
        closeInOrder(stores, "Closing a store failed");
    }

    /**
     * Closes every resource in order, even when one fails.
     *
     * @throws IllegalStateException with {@code failureMessage} and the first failure (the others suppressed)
     */
    static void closeInOrder(List<? extends AutoCloseable> resources, String failureMessage) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException(failureMessage + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes each resource, recording failures on {@code cause}. */
    static void closeAll(List<? extends AutoCloseable> resources, RuntimeException cause) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }
}
