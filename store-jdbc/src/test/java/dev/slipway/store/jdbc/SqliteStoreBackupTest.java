package dev.slipway.store.jdbc;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** SQLite to SQLite: the round trip of a backup. */
class SqliteStoreBackupTest extends AbstractStoreBackupTest {
    private final AtomicInteger databases = new AtomicInteger();

    @TempDir
    static Path targets;

    @Override
    protected String emptyDatabaseUri() {
        return "sqlite:///" + targets.resolve("target-" + databases.incrementAndGet() + ".db");
    }
}
