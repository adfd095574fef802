package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionLogStoreFactory;
import java.util.Set;

/**
 * Opens {@link JdbcPredictionLogStore}s for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema
 * migrations first; the log may share the tracking store's database or have its own.
 */
public final class JdbcPredictionLogStoreFactory implements PredictionLogStoreFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public PredictionLogStore open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "prediction-log");
        return new JdbcPredictionLogStore(new Transactions(database.dataSource(), database.dialect()));
    }
}
