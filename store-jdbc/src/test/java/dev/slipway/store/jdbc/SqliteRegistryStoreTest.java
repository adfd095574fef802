package dev.slipway.store.jdbc;

import dev.slipway.core.registry.RegistryStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class SqliteRegistryStoreTest extends AbstractRegistryStoreTest {
    private final AtomicInteger databases = new AtomicInteger();

    @TempDir
    static Path folder;

    @Override
    protected RegistryStore openEmptyStore() {
        Path file = folder.resolve("nested/registry-" + databases.incrementAndGet() + ".db");
        return new JdbcRegistryStoreFactory().open("sqlite:///" + file);
    }
}
