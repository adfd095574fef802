package dev.slipway.store.jdbc;

import dev.slipway.core.tracking.TrackingStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrackingStoreTest extends AbstractTrackingStoreTest {
    private final AtomicInteger databases = new AtomicInteger();

    @TempDir
    static Path folder;

    @Override
    protected TrackingStore openEmptyStore() {
        Path file = folder.resolve("nested/folder/store-" + databases.incrementAndGet() + ".db");
        return new JdbcTrackingStoreFactory().open("sqlite:///" + file);
    }
}
