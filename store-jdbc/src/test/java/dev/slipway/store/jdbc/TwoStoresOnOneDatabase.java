package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.predictions.PredictionLogStore;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The set-up of the contract tests of the stores that live beside the prediction log (monitors, deployments, audit
 * log): one new database of the subclass's kind, and two prediction-log stores opened on it, as two server replicas
 * hold them, each giving the store under test.
 *
 * @param <S> the store under test
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoStoresOnOneDatabase<S> {
    private final Function<PredictionLogStore, Optional<S>> part;
    private String uri;
    private PredictionLogStore logStore;
    private PredictionLogStore otherLogStore;
    /** The store under test. */
    protected S store;
    /** A second store on the same database, as another process would hold. */
    protected S otherStore;

    /** @param part the store under test, of a prediction-log store */
    TwoStoresOnOneDatabase(Function<PredictionLogStore, Optional<S>> part) {
        this.part = requireNonNull(part, "part is null");
    }

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    /** The database both stores are on. */
    protected final String uri() {
        return uri;
    }

    @BeforeAll
    void openStores() {
        connectToServer();
        uri = emptyDatabaseUri();
        logStore = new JdbcPredictionLogStoreFactory().open(uri);
        otherLogStore = new JdbcPredictionLogStoreFactory().open(uri);
        store = part.apply(logStore).orElseThrow();
        otherStore = part.apply(otherLogStore).orElseThrow();
    }

    @AfterAll
    void closeStores() {
        try {
            if (otherLogStore != null) {
                otherLogStore.close();
            }
            if (logStore != null) {
                logStore.close();
            }
        } finally {
            removeDatabases();
        }
    }
}
