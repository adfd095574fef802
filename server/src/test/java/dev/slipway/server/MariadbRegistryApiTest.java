package dev.slipway.server;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The registry API over a fresh database on the MariaDB server in {@code SLIPWAY_TEST_MYSQL_URI};
 * skipped when it is not set.
 */
@EnabledIfEnvironmentVariable(named = "SLIPWAY_TEST_MYSQL_URI", matches = ".*\\S.*",
        disabledReason = "SLIPWAY_TEST_MYSQL_URI not set; MariaDB registry API tests skipped")
class MariadbRegistryApiTest extends AbstractRegistryApiTest {
    private ServerDatabase database;

    @Override
    protected TestServer startServer(Path folder) {
        database = ServerDatabase.create("SLIPWAY_TEST_MYSQL_URI").orElseThrow();
        return TestServer.builder(folder).backendUri(database.backendUri()).start();
    }

    @Override
    protected void cleanUp() {
        if (database != null) {
            database.close();
        }
    }
}
