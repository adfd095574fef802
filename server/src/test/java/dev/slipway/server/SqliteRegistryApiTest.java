package dev.slipway.server;

import java.nio.file.Path;

/** The registry API over the default backend, a SQLite file. */
class SqliteRegistryApiTest extends AbstractRegistryApiTest {
    @Override
    protected TestServer startServer(Path folder) {
        return TestServer.start(folder);
    }
}
