package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.AuthStoreFactory;
import java.util.Set;

/**
 * Opens {@link JdbcAuthStore}s for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema migrations
 * first; users and permissions live in the tracking store's database.
 */
public final class JdbcAuthStoreFactory implements AuthStoreFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public AuthStore open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "auth");
        return new JdbcAuthStore(new Transactions(database.dataSource(), database.dialect()));
    }
}
