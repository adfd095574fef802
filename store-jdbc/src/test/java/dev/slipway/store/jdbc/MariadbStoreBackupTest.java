package dev.slipway.store.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** SQLite to MySQL/MariaDB: the backup moves a store between databases. Skipped when {@code SLIPWAY_TEST_MYSQL_URI} is not set. */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_MYSQL_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_MYSQL_URI not set; MySQL/MariaDB backup tests skipped")
class MariadbStoreBackupTest extends AbstractStoreBackupTest {
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
    protected String emptyDatabaseUri() {
        return databases.emptyDatabaseUri();
    }
}
