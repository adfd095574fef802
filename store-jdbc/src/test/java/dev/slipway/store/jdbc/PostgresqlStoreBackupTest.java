package dev.slipway.store.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** SQLite to PostgreSQL: the backup moves a store between databases. Skipped when {@code SLIPWAY_TEST_POSTGRES_URI} is not set. */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_POSTGRES_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_POSTGRES_URI not set; PostgreSQL backup tests skipped")
class PostgresqlStoreBackupTest extends AbstractStoreBackupTest {
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
    protected String emptyDatabaseUri() {
        return databases.emptyDatabaseUri();
    }
}
