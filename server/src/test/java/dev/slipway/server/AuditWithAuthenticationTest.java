package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.auth.Permission;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log with authentication on: entries name the authenticated user, refusals of a user are flagged, user
 * management is recorded without passwords or token secrets, and only administrators read the log.
 */
class AuditWithAuthenticationTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String AUDIT = AuditEntries.ROUTE;

    @TempDir
    static Path directory;

    private static AuthServer server;

    @BeforeAll
    static void start() {
        server = AuthServer.start(directory, Permission.READ);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void changesNameTheAuthenticatedUserAndRefusalsAreFlagged() {
        server.createUser("carol");
        AuthServer.ok(server.as(AuthServer.ADMIN).post(API + "registered-models/create", "{\"name\": \"guarded\"}"));
        assertThat(server.as("carol").delete(API + "registered-models/delete", "{\"name\": \"guarded\"}").status())
                .isEqualTo(403);
        assertThat(server.basic("carol", "wrong-password").post(API + "experiments/create",
                "{\"name\": \"never\"}").status()).isEqualTo(401);

        JsonNode created = await("action=registered-models/create&resource_id=guarded", 1).get(0);
        assertThat(created.get("user").asText()).isEqualTo(AuthServer.ADMIN);
        JsonNode denied = await("action=registered-models/delete", 1).get(0);
        assertThat(denied.get("user").asText()).isEqualTo("carol");
        assertThat(denied.get("status").asInt()).isEqualTo(403);
        assertThat(denied.get("outcome").asText()).isEqualTo("refused");
        assertThat(denied.get("resource_id").asText()).isEqualTo("guarded");
        assertThat(denied.has("before")).isFalse();
        // a wrong password names no one: counted in /metrics, not logged
        assertThat(entries("action=experiments/create")).isEmpty();
    }

    @Test
    void userManagementIsRecordedWithoutPasswordsOrTokenSecrets() {
        AuthServer.ok(server.as(AuthServer.ADMIN).post(API + "users/create",
                "{\"username\": \"dora\", \"password\": \"dora-initial-password\"}"));
        AuthServer.ok(server.as(AuthServer.ADMIN).patch(API + "users/update-password",
                "{\"username\": \"dora\", \"password\": \"dora-second-password\"}"));
        String secret = AuthServer.ok(server.as(AuthServer.ADMIN)
                .post("/api/2.0/slipway/tokens/create", "{\"username\": \"dora\", \"name\": \"ci\"}")).json()
                .get("secret").asText();

        List<JsonNode> user = await("resource_type=user&resource_id=dora", 2);
        assertThat(user).extracting(entry -> entry.get("action").asText()).containsExactly("users/update-password",
                "users/create");
        assertThat(user.get(1).get("details").get("password").asText()).isEqualTo(AuditSummary.REDACTED);
        JsonNode token = await("action=tokens/create", 1).get(0);
        assertThat(token.get("resource_type").asText()).isEqualTo("access_token");
        assertThat(token.get("resource_id").asText()).isNotEmpty();
        String everything = entries("").toString();
        assertThat(everything).doesNotContain("dora-initial-password", "dora-second-password", secret);
    }

    @Test
    void onlyAdministratorsReadTheAuditLog() {
        server.createUser("erin");

        assertThat(server.as("erin").get(AUDIT).status()).isEqualTo(403);
        assertThat(server.anonymous().get(AUDIT).status()).isEqualTo(401);
        assertThat(server.as(AuthServer.ADMIN).get(AUDIT).status()).isEqualTo(200);
    }

    private static JsonNode adminGet(String path) {
        return AuthServer.ok(server.as(AuthServer.ADMIN).get(path)).json();
    }

    private static List<JsonNode> entries(String query) {
        return AuditEntries.list(AuditWithAuthenticationTest::adminGet, query);
    }

    private static List<JsonNode> await(String query, int count) {
        return AuditEntries.await(AuditWithAuthenticationTest::adminGet, query, count);
    }
}
