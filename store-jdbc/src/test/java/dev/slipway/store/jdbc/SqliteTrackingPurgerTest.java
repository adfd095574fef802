package dev.slipway.store.jdbc;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrackingPurgerTest extends AbstractTrackingPurgerTest {
    private final AtomicInteger databases = new AtomicInteger();

    @TempDir
    static Path folder;

    @Override
    protected String emptyDatabaseUri() {
        return "sqlite:///" + folder.resolve("gc-" + databases.incrementAndGet() + ".db");
    }
}
