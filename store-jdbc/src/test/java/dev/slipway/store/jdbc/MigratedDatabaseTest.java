package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a database skips Flyway exactly when its history shows every migration applied, and no other. */
class MigratedDatabaseTest {
    private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__.*\\.sql");

    @TempDir
    Path folder;

    @Test
    void theNewestMigrationIsTheNewestScriptOfEachDialect() throws IOException, URISyntaxException {
        for (Dialect dialect : Dialect.values()) {
            String location = dialect.migrationLocation().substring("classpath:".length());
            Path scripts = Path.of(MigratedDatabase.class.getClassLoader().getResource(location).toURI());
            int newest;
            try (Stream<Path> files = Files.list(scripts)) {
                newest = files.map(file -> SCRIPT.matcher(file.getFileName().toString())).filter(Matcher::matches)
                        .mapToInt(match -> Integer.parseInt(match.group(1))).max().orElseThrow();
            }
            assertThat(newest).as(location).isEqualTo(MigratedDatabase.NEWEST_MIGRATION);
        }
    }

    @Test
    void aNewDatabaseIsMigratedAndThenUpToDate() throws Exception {
        String uri = "sqlite:///" + folder.resolve("new.db");
        MigratedDatabase database = MigratedDatabase.open(uri, "test");
        try {
            assertThat(MigratedDatabase.upToDate(database.dataSource())).isTrue();
            execute(database, "CREATE TABLE marker (id INTEGER)");
        } finally {
            database.dataSource().close();
        }
        MigratedDatabase reopened = MigratedDatabase.open(uri, "test");
        try {
            assertThat(count(reopened, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"))
                    .isEqualTo(MigratedDatabase.NEWEST_MIGRATION);
            assertThat(count(reopened, "SELECT COUNT(*) FROM marker")).isZero();
        } finally {
            reopened.dataSource().close();
        }
    }

    @Test
    void aFailedMissingOrUnknownMigrationIsNotUpToDate() throws Exception {
        String uri = "sqlite:///" + folder.resolve("history.db");
        MigratedDatabase database = MigratedDatabase.open(uri, "test");
        try {
            execute(database, "UPDATE flyway_schema_history SET success = 0 WHERE version = '11'");
            assertThat(MigratedDatabase.upToDate(database.dataSource())).as("failed").isFalse();
            execute(database, "UPDATE flyway_schema_history SET success = 1 WHERE version = '11'");
            assertThat(MigratedDatabase.upToDate(database.dataSource())).isTrue();

            execute(database, "UPDATE flyway_schema_history SET version = '12' WHERE version = '11'");
            assertThat(MigratedDatabase.upToDate(database.dataSource())).as("a newer schema").isFalse();
            execute(database, "DELETE FROM flyway_schema_history WHERE version = '12'");
            assertThat(MigratedDatabase.upToDate(database.dataSource())).as("an older schema").isFalse();
            execute(database, "DROP TABLE flyway_schema_history");
            assertThat(MigratedDatabase.upToDate(database.dataSource())).as("no history").isFalse();
        } finally {
            database.dataSource().close();
        }
    }

    private static void execute(MigratedDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(MigratedDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
