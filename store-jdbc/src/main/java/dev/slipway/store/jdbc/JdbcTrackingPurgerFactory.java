package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.gc.TrackingPurger;
import dev.slipway.core.gc.TrackingPurgerFactory;
import java.util.Set;

/**
 * Opens {@link JdbcTrackingPurger}s, which remove rows in chunks of {@value JdbcTrackingPurger#DEFAULT_CHUNK_SIZE},
 * for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema migrations first.
 */
public final class JdbcTrackingPurgerFactory implements TrackingPurgerFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public TrackingPurger open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "gc");
        return new JdbcTrackingPurger(new Transactions(database.dataSource(), database.dialect()),
                JdbcTrackingPurger.DEFAULT_CHUNK_SIZE);
    }
}
