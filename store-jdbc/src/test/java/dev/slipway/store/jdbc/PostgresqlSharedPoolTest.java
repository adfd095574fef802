package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The stores of one process on one PostgreSQL database share one pool: together they hold no more connections than
 * one pool's size, a store keeps working when another one closes, and the connections go when the last one closes.
 * Runs against the server in {@code SLIPWAY_TEST_POSTGRES_URI}; skipped when it is not set.
 */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_POSTGRES_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_POSTGRES_URI not set; PostgreSQL shared pool test skipped")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresqlSharedPoolTest {
    private ServerDatabases databases;

    @BeforeAll
    void connect() {
        databases = ServerDatabases.fromEnvironment("SLIPWAY_TEST_POSTGRES_URI", "PostgreSQL");
    }

    @AfterAll
    void removeDatabases() {
        if (databases != null) {
            databases.dropAll();
        }
    }

    @Test
    void storesOnOneDatabaseShareOnePoolUntilTheLastOneCloses() throws Exception {
        String uri = databases.emptyDatabaseUri();
        String database = uri.substring(uri.lastIndexOf('/') + 1);
        String counter = databases.emptyDatabaseUri();
        TrackingStore tracking = new JdbcTrackingStoreFactory().open(uri);
        RegistryStore registry = new JdbcRegistryStoreFactory().open(uri);
        AuthStore auth = new JdbcAuthStoreFactory().open(uri);
        try {
            // Hikari fills a pool to its size in the background: wait until it has, then count
            long connections = 0;
            for (int attempt = 0; attempt < 100 && connections < MigratedDatabase.DEFAULT_SERVER_POOL_SIZE; attempt++) {
                Thread.sleep(100);
                connections = connections(counter, database);
            }
            assertThat(connections).isEqualTo(MigratedDatabase.DEFAULT_SERVER_POOL_SIZE);

            tracking.close();
            tracking.close(); // a second close of one store must not end the others' use
            registry.close();
            assertThat(auth.users()).isEmpty();
            assertThat(connections(counter, database)).isEqualTo(MigratedDatabase.DEFAULT_SERVER_POOL_SIZE);
        } finally {
            auth.close();
        }
        // a closed connection's server process ends a moment after the client hung up: wait until it has, then count
        long left = connections(counter, database);
        for (int attempt = 0; attempt < 100 && left > 0; attempt++) {
            Thread.sleep(100);
            left = connections(counter, database);
        }
        assertThat(left).isZero();

        // a store opened after the last one closed gets a new pool
        try (TrackingStore reopened = new JdbcTrackingStoreFactory().open(uri)) {
            String id = reopened.createExperiment("after", Optional.empty(), "/artifacts", List.of(), 1);
            assertThat(reopened.getExperiment(id)).isPresent();
        }
    }

    /** The connections the server has open to the database, but for the one counting them. */
    private static long connections(String counter, String database) {
        return TestConnections.count(counter,
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ?", database);
    }
}
