package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.client.Credentials;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Experiment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * {@code slipway server --auth basic} through the real command, and {@code slipway users|permissions} against it with
 * MLflow's client variables; Slipway's Java client and MLflow's own Java client authenticate the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersAndPermissionsCommandsTest {
    private static final Pattern PASSWORD = Pattern.compile("shown only this once\\):\\s+(\\S+)");
    private static final Pattern TOKEN = Pattern.compile("shown only this once:\\s+(slw_\\S+)");

    @TempDir
    static Path folder;

    private RunningServer server;
    private String adminPassword;

    @BeforeAll
    void start() {
        server = RunningServer.onFolder(folder, "--auth", "basic", "--default-permission", "NO_PERMISSIONS");
        Matcher matcher = PASSWORD.matcher(server.output());
        assertThat(matcher.find()).as(server.output()).isTrue();
        adminPassword = matcher.group(1);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Map<String, String> as(String username, String password) {
        return Map.of("MLFLOW_TRACKING_URI", server.uri(), Credentials.USERNAME_VARIABLE, username,
                Credentials.PASSWORD_VARIABLE, password);
    }

    private CliRun run(Map<String, String> variables, String... args) {
        return CliRun.run(CliRun.environment(folder, variables), args);
    }

    @Test
    void theGeneratedAdminPasswordIsPrintedOnceAndNeverLogged() {
        assertThat(adminPassword).hasSizeGreaterThanOrEqualTo(20);
        assertThat(server.output().split(Pattern.quote(adminPassword), -1)).hasSize(2);
        CliRun users = run(as("admin", adminPassword), "users", "list");
        assertThat(users.exitCode()).as(users.toString()).isZero();
        assertThat(users.out()).contains("admin").contains("yes");
    }

    @Test
    void usersTokensAndPermissionsAreManagedThroughTheCommands() {
        Map<String, String> admin = as("admin", adminPassword);
        CliRun created = run(admin, "users", "create", "alice");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Matcher matcher = PASSWORD.matcher(created.out());
        assertThat(matcher.find()).as(created.out()).isTrue();
        String alicePassword = matcher.group(1);
        assertThat(run(admin, "users", "list").out()).contains("alice");
        assertThat(run(admin, "users", "list", "--json").out()).contains("\"username\" : \"alice\"")
                .contains("\"is_admin\" : false");

        // alice creates a token and works with it, as MLFLOW_TRACKING_TOKEN
        CliRun token = run(as("alice", alicePassword), "users", "token", "create", "notebook", "--expires-in-days",
                "7");
        assertThat(token.exitCode()).as(token.toString()).isZero();
        Matcher secret = TOKEN.matcher(token.out());
        assertThat(secret.find()).as(token.out()).isTrue();
        TrackingClient alice = TrackingClient.create(server.uri(), RetryPolicy.none(),
                Credentials.fromVariables(Map.of(Credentials.TOKEN_VARIABLE, secret.group(1))));
        String experimentId = alice.createExperiment("alices-experiment", Optional.empty(), List.of());
        assertThat(run(as("alice", alicePassword), "users", "token", "list").out()).contains("notebook");
        assertThat(run(as("alice", alicePassword), "users", "token", "list", "--json").out())
                .contains("\"name\" : \"notebook\"").contains("\"expiration_time\" : ");

        // another user sees nothing (default NO_PERMISSIONS) until alice, its manager, grants READ
        CliRun bobCreated = CliRun.run(CliRun.environment(folder, admin), "users", "create", "bob2");
        Matcher bobMatcher = PASSWORD.matcher(bobCreated.out());
        assertThat(bobMatcher.find()).as(bobCreated.toString()).isTrue();
        TrackingClient bob = TrackingClient.create(server.uri(), RetryPolicy.none(),
                Credentials.basic("bob2", bobMatcher.group(1)));
        assertThatThrownBy(() -> bob.getExperiment(experimentId)).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED));

        CliRun grant = run(as("alice", alicePassword), "permissions", "grant", "--experiment-id", experimentId,
                "--user", "bob2", "--permission", "READ");
        assertThat(grant.exitCode()).as(grant.toString()).isZero();
        Experiment seen = bob.getExperiment(experimentId);
        assertThat(seen.name()).isEqualTo("alices-experiment");
        CliRun regrant = run(as("alice", alicePassword), "permissions", "grant", "--experiment-id", experimentId,
                "--user", "bob2", "--permission", "EDIT");
        assertThat(regrant.exitCode()).as(regrant.toString()).isZero();
        CliRun listed = run(as("alice", alicePassword), "permissions", "list", "--experiment-id", experimentId);
        assertThat(listed.out()).contains("alice").contains("MANAGE").contains("bob2").contains("EDIT");
        CliRun listedJson = run(as("alice", alicePassword), "permissions", "list", "--experiment-id", experimentId,
                "--json");
        assertThat(listedJson.out()).contains("\"username\" : \"bob2\"").contains("\"resource_type\" : \"experiment\"")
                .contains("\"resource\" : \"" + experimentId + "\"").contains("\"permission\" : \"EDIT\"");
        // bob2 cannot grant: it has EDIT, not MANAGE
        CliRun refused = run(as("bob2", bobMatcher.group(1)), "permissions", "grant", "--experiment-id",
                experimentId, "--user", "bob2", "--permission", "MANAGE");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("Permission denied");

        CliRun revoked = run(as("alice", alicePassword), "permissions", "revoke", "--experiment-id", experimentId,
                "--user", "bob2");
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThatThrownBy(() -> bob.getExperiment(experimentId)).isInstanceOf(SlipwayException.class);

        CliRun deleted = run(admin, "users", "delete", "bob2");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThatThrownBy(() -> bob.getExperiment("0")).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void commandsWithoutCredentialsAreRefused() {
        Map<String, String> nobody = new HashMap<>();
        nobody.put("MLFLOW_TRACKING_URI", server.uri());
        CliRun refused = run(nobody, "users", "list");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("not authenticated");
        CliRun experiments = run(nobody, "experiments", "list");
        assertThat(experiments.exitCode()).isEqualTo(1);
    }

    @Test
    void mlflowsOwnJavaClientAuthenticatesWithPasswordAndToken() {
        Map<String, String> admin = as("admin", adminPassword);
        CliRun token = run(admin, "users", "token", "create", "mlflow-java");
        Matcher secret = TOKEN.matcher(token.out());
        assertThat(secret.find()).as(token.toString()).isTrue();

        MlflowClient withPassword = new MlflowClient(new BasicMlflowHostCreds(server.uri(), "admin", adminPassword));
        String experimentId = withPassword.createExperiment("from-mlflow-java");
        MlflowClient withToken = new MlflowClient(new BasicMlflowHostCreds(server.uri(), secret.group(1)));
        assertThat(withToken.getExperiment(experimentId).getName()).isEqualTo("from-mlflow-java");
        MlflowClient anonymous = new MlflowClient(server.uri());
        assertThatThrownBy(() -> anonymous.getExperiment(experimentId)).isInstanceOf(MlflowClientException.class)
                .hasMessageContaining("401");
    }
}
