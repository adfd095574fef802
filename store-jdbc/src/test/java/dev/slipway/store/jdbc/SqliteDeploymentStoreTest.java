package dev.slipway.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteDeploymentStoreTest extends AbstractDeploymentStoreTest {
    @TempDir
    static Path folder;

    @Override
    protected String emptyDatabaseUri() {
        return "sqlite:///" + folder.resolve("nested/deployments.db");
    }
}
