package dev.slipway.store.jdbc;

import dev.slipway.core.tracking.TrackingStore;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Runs against the server in {@code SLIPWAY_TEST_POSTGRES_URI}, e.g.
 * {@code postgresql://postgres@127.0.0.1:5432/test}.
 */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_POSTGRES_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_POSTGRES_URI not set; PostgreSQL tests skipped")
class PostgresqlTrackingStoreTest extends AbstractTrackingStoreTest {
    private ServerDatabases databases;

    @Override
    protected void connectToServer() {
        databases = ServerDatabases.fromEnvironment("SLIPWAY_TEST_POSTGRES_URI", "PostgreSQL");
    }

    @Override
    protected void removeDatabases() {
        if (databases != null) {
            databases.dropAll();
        }
    }

    @Override
    protected TrackingStore openEmptyStore() {
        return databases.openEmptyStore();
    }
}
