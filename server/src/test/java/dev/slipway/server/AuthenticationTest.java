package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.auth.Permission;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password and token paths of {@code --auth basic}, over HTTP, and the limit on failed logins. */
class AuthenticationTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String TOKENS = "/api/2.0/slipway/tokens/";

    @TempDir
    Path directory;

    private AuthServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void requestsWithoutCredentialsGetTheBasicChallenge() {
        server = AuthServer.start(directory, Permission.READ);

        ApiClient.Response response = server.anonymous().get(API + "experiments/search");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("Basic realm=\"mlflow\"");
        assertThat(response.errorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(server.anonymous().get("/").status()).isEqualTo(401);
        assertThat(server.anonymous().get("/api/2.0/mlflow/no-such-route").status()).isEqualTo(401);
    }

    @Test
    void probesAndMetricsStayOpen() {
        server = AuthServer.start(directory, Permission.READ);

        assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
        assertThat(server.anonymous().get("/version").status()).isEqualTo(200);
        assertThat(server.anonymous().get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void theRightPasswordIsAcceptedAndAWrongOneIsNot() {
        server = AuthServer.start(directory, Permission.READ);
        server.createUser("alice");

        assertThat(server.as("alice").get(API + "experiments/get?experiment_id=0").status()).isEqualTo(200);
        assertThat(server.as("alice").get(API + "experiments/get?experiment_id=0").status()).isEqualTo(200);
        ApiClient.Response wrong = server.basic("alice", "not-her-password").get(API + "experiments/get?experiment_id=0");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).contains("Basic realm=\"mlflow\"");
        assertThat(server.basic("nobody", "whatever-pw").get(API + "experiments/search").status()).isEqualTo(401);
        assertThat(server.bearer("slw_not-a-token").get(API + "experiments/search").status()).isEqualTo(401);
    }

    @Test
    void aChangedPasswordReplacesTheOldOneAtOnce() {
        server = AuthServer.start(directory, Permission.READ);
        server.createUser("bob");
        assertThat(server.as("bob").get(API + "experiments/search").status()).isEqualTo(200);

        AuthServer.ok(server.as("bob").patch(API + "users/update-password",
                "{\"username\": \"bob\", \"password\": \"brand-new-password\"}"));

        assertThat(server.as("bob").get(API + "experiments/search").status()).isEqualTo(401);
        assertThat(server.basic("bob", "brand-new-password").get(API + "experiments/search").status()).isEqualTo(200);
    }

    @Test
    void tokensAuthenticateUntilRevoked() {
        server = AuthServer.start(directory, Permission.READ);
        server.createUser("carol");
        JsonNode created = AuthServer.ok(server.as("carol").post(TOKENS + "create",
                "{\"name\": \"ci\", \"expires_in_days\": 30}")).json();
        String secret = created.path("secret").asText();
        String tokenId = created.at("/token/token_id").asText();
        assertThat(secret).startsWith("slw_");
        assertThat(created.at("/token/expiration_time").isNumber()).isTrue();

        // as a bearer token (MLFLOW_TRACKING_TOKEN) and as the password of HTTP Basic
        assertThat(server.bearer(secret).get(API + "users/get?username=carol").status()).isEqualTo(200);
        assertThat(server.basic("carol", secret).get(API + "users/get?username=carol").status()).isEqualTo(200);
        assertThat(server.basic("admin", secret).get(API + "experiments/search").status()).isEqualTo(401);
        JsonNode listed = AuthServer.ok(server.as("carol").get(TOKENS + "list")).json();
        assertThat(listed.path("tokens").findValuesAsText("token_id")).containsExactly(tokenId);
        assertThat(listed.toString()).doesNotContain(secret);

        AuthServer.ok(server.as("carol").post(TOKENS + "revoke", "{\"token_id\": \"" + tokenId + "\"}"));

        assertThat(server.bearer(secret).get(API + "users/get?username=carol").status()).isEqualTo(401);
        assertThat(server.as("carol").get(TOKENS + "list").json().path("tokens").size()).isZero();
    }

    @Test
    void onlyAdministratorsHandleTheTokensOfOthers() {
        server = AuthServer.start(directory, Permission.READ);
        server.createUser("dave");
        server.createUser("erin");

        assertThat(server.as("erin").post(TOKENS + "create", "{\"name\": \"x\", \"username\": \"dave\"}").status())
                .isEqualTo(403);
        assertThat(server.as("erin").get(TOKENS + "list?username=dave").status()).isEqualTo(403);
        JsonNode created = AuthServer.ok(server.as("admin").post(TOKENS + "create",
                "{\"name\": \"for dave\", \"username\": \"dave\"}")).json();
        assertThat(created.at("/token/username").asText()).isEqualTo("dave");
        assertThat(server.bearer(created.path("secret").asText()).get(API + "users/get?username=dave").status())
                .isEqualTo(200);
    }

    @Test
    void repeatedFailuresAreRateLimitedPerAddressAndUser() {
        server = AuthServer.start(directory, Permission.READ, 3);
        server.createUser("frank");

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(server.basic("frank", "guess-" + attempt).get(API + "experiments/search").status())
                    .isEqualTo(401);
        }
        ApiClient.Response limited = server.basic("frank", "guess-4").get(API + "experiments/search");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(limited.header("Retry-After")).hasValueSatisfying(value ->
                assertThat(Integer.parseInt(value)).isBetween(1, 60));
        // even the right password waits: guessing must not go on
        assertThat(server.as("frank").get(API + "experiments/search").status()).isEqualTo(429);
        // probes stay open
        assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
    }

    @Test
    void guessesSpreadOverReplicasCountTogether() {
        server = AuthServer.start(directory, Permission.READ, 3);
        server.createUser("frank");
        try (AuthServer replica = AuthServer.start(directory, Permission.READ, 3)) {
            assertThat(server.basic("frank", "guess-0").get(API + "experiments/search").status()).isEqualTo(401);
            assertThat(server.basic("frank", "guess-1").get(API + "experiments/search").status()).isEqualTo(401);
            assertThat(replica.basic("frank", "guess-2").get(API + "experiments/search").status()).isEqualTo(401);

            // the replica saw one failure itself, the store three
            ApiClient.Response limited = replica.basic("frank", "guess-3").get(API + "experiments/search");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).hasValueSatisfying(value ->
                    assertThat(Integer.parseInt(value)).isBetween(1, 60));
            assertThat(replica.as("frank").get(API + "experiments/search").status()).isEqualTo(429);
            assertThat(replica.as(AuthServer.ADMIN).get(API + "experiments/search").status())
                    .as("the address is blocked too").isEqualTo(429);
        }
    }

    @Test
    void aPasswordVerifiedOnAReplicaCostsNoLookupOfOtherReplicasFailures() {
        server = AuthServer.start(directory, Permission.READ, 3);
        server.createUser("frank");
        assertThat(server.as("frank").get(API + "experiments/search").status()).isEqualTo(200);
        try (AuthServer replica = AuthServer.start(directory, Permission.READ, 3)) {
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThat(replica.basic("frank", "guess-" + attempt).get(API + "experiments/search").status())
                        .isEqualTo(401);
            }
            // this replica blocks the address itself; the other one counted nothing here and knows frank's password
            assertThat(replica.as("frank").get(API + "experiments/search").status()).isEqualTo(429);
            assertThat(server.as("frank").get(API + "experiments/search").status()).isEqualTo(200);
            // a password it has not verified lately is checked against every replica's failures
            assertThat(server.as(AuthServer.ADMIN).get(API + "experiments/search").status()).isEqualTo(429);
        }
    }

    @Test
    void secretsDoNotAppearInAnswers() {
        server = AuthServer.start(directory, Permission.READ);
        AuthServer.ok(server.as("admin").post(API + "users/create",
                "{\"username\": \"grace\", \"password\": \"grace-password-1\"}"));

        JsonNode user = AuthServer.ok(server.as("admin").get(API + "users/get?username=grace")).json();

        assertThat(user.toString()).doesNotContain("grace-password-1").doesNotContain("$2");
        assertThat(user.at("/user/username").asText()).isEqualTo("grace");
        assertThat(server.as("admin").post(API + "users/create",
                "{\"username\": \"grace\", \"password\": \"another-password\"}").errorCode())
                .isEqualTo("RESOURCE_ALREADY_EXISTS");
        assertThat(server.as("admin").post(API + "users/create", "{\"username\": \"henry\", \"password\": \"short\"}")
                .errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
}
