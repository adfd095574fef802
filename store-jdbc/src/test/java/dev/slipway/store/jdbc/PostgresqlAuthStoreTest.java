package dev.slipway.store.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Runs against the server in {@code SLIPWAY_TEST_POSTGRES_URI}; skipped when it is not set. */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_POSTGRES_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_POSTGRES_URI not set; PostgreSQL auth store tests skipped")
class PostgresqlAuthStoreTest extends AbstractAuthStoreTest {
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
