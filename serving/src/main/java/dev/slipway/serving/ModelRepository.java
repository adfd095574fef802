package dev.slipway.serving;

import java.util.List;
import java.util.Optional;

/**
 * The models a serving process serves, by name, and how each request is routed among their versions (stable,
 * canary, shadow). The HTTP layer asks it for a {@link Route} per request and closes the route when done.
 *
 * <p>Implementations are thread-safe; {@link #route} is on every request's path and must not block on I/O.
 */
public interface ModelRepository extends AutoCloseable {

    /** The served model names, in the order they were given. */
    List<String> modelNames();

    /**
     * Routes one request to the named model.
     *
     * @param requestKey a key that makes the canary choice sticky (the same key always gets the same variant)
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST naming the served models if none has the
     *     name; TEMPORARILY_UNAVAILABLE if the model is not loaded
     */
    Route route(String modelName, Optional<String> requestKey);

    /**
     * The model version that answers requests for the name now (the stable one); with {@code version}, that version
     * if it is being served (stable, canary or shadow).
     */
    Optional<ServedModel> current(String modelName, Optional<String> version);

    /** Whether every served model is loaded and can answer. */
    boolean ready();

    /** Live swaps made since start, for {@code /metrics}; 0 for a repository whose models never change. */
    default long swaps() {
        return 0;
    }

    /**
     * Failed attempts to swap in a new version since start (the previous version kept serving), for
     * {@code /metrics}; 0 for a repository whose models never change.
     */
    default long swapFailures() {
        return 0;
    }

    /** Retires every served model (in-flight requests finish first) and stops any background work. */
    @Override
    void close();
}
