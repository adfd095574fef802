package dev.slipway.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteAuditStoreTest extends AbstractAuditStoreTest {
    @TempDir
    static Path folder;

    @Override
    protected String emptyDatabaseUri() {
        return "sqlite:///" + folder.resolve("nested/audit.db");
    }
}
