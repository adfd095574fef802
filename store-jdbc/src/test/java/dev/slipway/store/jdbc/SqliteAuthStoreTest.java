package dev.slipway.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteAuthStoreTest extends AbstractAuthStoreTest {
    @TempDir
    static Path folder;

    @Override
    protected String emptyDatabaseUri() {
        return "sqlite:///" + folder.resolve("nested/auth.db");
    }
}
