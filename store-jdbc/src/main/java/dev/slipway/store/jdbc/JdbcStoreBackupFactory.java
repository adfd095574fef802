package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.backup.StoreBackup;
import dev.slipway.core.backup.StoreBackupFactory;
import java.util.Set;

/**
 * Opens {@link JdbcStoreBackup}s for the URIs {@link JdbcTrackingStoreFactory} accepts, applying the schema
 * migrations first (so an import target is migrated to the newest schema before any row goes in).
 */
public final class JdbcStoreBackupFactory implements StoreBackupFactory {
    @Override
    public Set<String> schemes() {
        return new JdbcTrackingStoreFactory().schemes();
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public StoreBackup open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "backup");
        return new JdbcStoreBackup(database.dataSource(), database.dialect());
    }
}
