package dev.slipway.store.jdbc;

import dev.slipway.core.tracking.TrackingStore;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Runs against the server in {@code SLIPWAY_TEST_MYSQL_URI}, e.g. {@code mysql://root@127.0.0.1:3306/test}. */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_MYSQL_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_MYSQL_URI not set; MySQL/MariaDB tests skipped")
class MariadbTrackingStoreTest extends AbstractTrackingStoreTest {
    private ServerDatabases databases;

    @Override
    protected void connectToServer() {
        databases = ServerDatabases.fromEnvironment("SLIPWAY_TEST_MYSQL_URI", "MySQL/MariaDB");
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
