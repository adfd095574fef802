package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.registry.RegistryStoreFactory;
import java.util.Set;

/**
 * Opens {@link JdbcRegistryStore}s for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema
 * migrations first; a registry store and a tracking store on the same URI share the database.
 */
public final class JdbcRegistryStoreFactory implements RegistryStoreFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public RegistryStore open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "registry");
        return new JdbcRegistryStore(new Transactions(database.dataSource(), database.dialect()));
    }
}
