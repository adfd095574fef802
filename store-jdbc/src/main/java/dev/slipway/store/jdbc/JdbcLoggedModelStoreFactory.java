package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.logged.LoggedModelStoreFactory;
import java.util.Set;

/**
 * Opens {@link JdbcLoggedModelStore}s for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema
 * migrations first; open it on the tracking store's URI, whose experiments the models belong to.
 */
public final class JdbcLoggedModelStoreFactory implements LoggedModelStoreFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public LoggedModelStore open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "logged-models");
        return new JdbcLoggedModelStore(new Transactions(database.dataSource(), database.dialect()));
    }
}
