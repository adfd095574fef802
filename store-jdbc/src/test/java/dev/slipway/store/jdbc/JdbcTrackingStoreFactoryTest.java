package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.TrackingStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcTrackingStoreFactoryTest {
    @TempDir
    Path folder;

    @Test
    void factoryIsFoundThroughServiceLoaderByItsSchemes() {
        List<TrackingStoreFactory> factories = ServiceLoader.load(TrackingStoreFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(factories).hasAtLeastOneElementOfType(JdbcTrackingStoreFactory.class);
        assertThat(new JdbcTrackingStoreFactory().schemes()).contains("sqlite", "postgresql", "postgres", "mysql",
                "mysql+pymysql", "postgresql+psycopg2");
    }

    @Test
    void postgresqlUriBecomesAJdbcUrlWithDecodedCredentials() {
        BackendUri uri = BackendUri.parse(
                "postgresql+psycopg2://alice:p%40ss%2Fw:rd@db.example.com:6543/mlflow?sslmode=require");
        assertThat(uri.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(uri.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://db.example.com:6543/mlflow?sslmode=require&reWriteBatchedInserts=true");
        assertThat(uri.user()).contains("alice");
        assertThat(uri.password()).contains("p@ss/w:rd");

        BackendUri defaults = BackendUri.parse("postgres://postgres@/tracking");
        assertThat(defaults.jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/tracking?reWriteBatchedInserts=true");
        assertThat(defaults.password()).isEmpty();
    }

    @Test
    void mysqlUriBecomesAMariadbJdbcUrl() {
        BackendUri uri = BackendUri.parse("mysql+pymysql://root:secret@127.0.0.1/mlflow");
        assertThat(uri.dialect()).isEqualTo(Dialect.MYSQL);
        assertThat(uri.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/mlflow?useBulkStmts=true");
        assertThat(uri.user()).contains("root");
        assertThat(uri.password()).contains("secret");
    }

    @Test
    void sqliteUrisAreAbsoluteOrRelativeToTheWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(BackendUri.parse("sqlite:////var/data/mlflow.db").sqliteFile())
                .contains(Path.of("/var/data/mlflow.db"));
        assertThat(BackendUri.parse("sqlite:///tmp/mlflow.db").sqliteFile()).contains(Path.of("/tmp/mlflow.db"));
        assertThat(BackendUri.parse("sqlite:///mlflow.db").sqliteFile()).contains(cwd.resolve("mlflow.db"));
        assertThat(BackendUri.parse("sqlite:///./data/mlflow.db").sqliteFile()).contains(cwd.resolve("data/mlflow.db"));
        assertThat(BackendUri.parse("sqlite:///no-such-top-folder-xyz/mlflow.db").sqliteFile())
                .contains(cwd.resolve("no-such-top-folder-xyz/mlflow.db"));
        assertThat(BackendUri.parse("sqlite:////tmp/a.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/a.db");
    }

    @Test
    void malformedUrisAreInvalidParameters() {
        for (String uri : List.of("nonsense", "oracle://host/db", "postgresql://host", "postgresql://host:99999/db",
                "postgresql://host:abc/db", "mysql://user:pw@host:3306/", "mysql://host/a/b", "sqlite://host/file.db",
                "sqlite:///", "sqlite:///:memory:", "postgresql://user:%zz@host/db", "postgresql://ho st/db")) {
            assertThatThrownBy(() -> new JdbcTrackingStoreFactory().open(uri)).as(uri)
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageStartingWith("Invalid backend store URI")
                    .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        }
    }

    @Test
    void messagesDoNotRevealThePassword() {
        assertThatThrownBy(() -> new JdbcTrackingStoreFactory().open("postgresql://alice:topsecret@host:1/"))
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void sqliteStoreCreatesFoldersAndKeepsDataAcrossReopening() throws Exception {
        Path file = folder.resolve("a/b/c/tracking.db");
        String uri = "sqlite:///" + file;
        String runId = "0123456789abcdef0123456789abcdef";
        try (TrackingStore store = new JdbcTrackingStoreFactory().open(uri)) {
            String experimentId = store.createExperiment("kept", Optional.empty(), "/artifacts", List.of(), 1);
            store.createRun(new NewRun(runId, experimentId, "r", "u", 1, "/artifacts/r", List.of()));
            store.logBatch(runId, List.of(new Metric("m", 1.0, 2, 3)), List.of(), List.of());
        }
        assertThat(Files.exists(file)).isTrue();
        try (TrackingStore store = new JdbcTrackingStoreFactory().open(uri)) {
            assertThat(store.getExperimentByName("kept")).isPresent();
            assertThat(store.getRun(runId).orElseThrow().metrics()).containsExactly(new Metric("m", 1.0, 2, 3));
        }
    }

    @Test
    void sqliteConnectionsUseWalNormalSyncForeignKeysAndABusyTimeout() throws Exception {
        try (JdbcTrackingStore store = (JdbcTrackingStore) new JdbcTrackingStoreFactory()
                .open("sqlite:///" + folder.resolve("pragmas.db"));
                Connection connection = store.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(pragma(statement, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(statement, "synchronous")).isEqualTo("1"); // NORMAL
            assertThat(pragma(statement, "foreign_keys")).isEqualTo("1");
            assertThat(pragma(statement, "busy_timeout")).isEqualTo("30000");
        }
    }

    private static String pragma(Statement statement, String name) throws Exception {
        try (ResultSet resultSet = statement.executeQuery("PRAGMA " + name)) {
            resultSet.next();
            return resultSet.getString(1);
        }
    }

    @Test
    void unreachableServerFailsWithAClearMessage() {
        assertThatThrownBy(() -> new JdbcTrackingStoreFactory().open("postgresql://u:pw@127.0.0.1:1/nowhere"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Cannot connect to the backend store 'postgresql://u:***@127.0.0.1:1/nowhere'");
    }

    @Test
    void likePatternsTranslateToCaseSensitiveGlobs() {
        assertThat(Dialect.likeToGlob("a%b_c")).isEqualTo("a*b?c");
        assertThat(Dialect.likeToGlob("x*y?[z]")).isEqualTo("x[*]y[?][[]z]");
    }
}
