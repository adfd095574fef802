package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.core.auth.User;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer JWTs of an OpenID Connect issuer: a real HTTP server plays the issuer (discovery document and JWKS), and the
 * tokens are signed here with Nimbus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcAuthenticationTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String AUDIENCE = "slipway";

    @TempDir
    static Path directory;

    private HttpServer issuerServer;
    private String issuer;
    private RSAKey key;
    private RSAKey otherKey;
    private AuthServer server;

    @BeforeAll
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("key-1").generate();
        issuerServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + issuerServer.getAddress().getPort() + "/realms/test";
        String discovery = "{\"issuer\": \"" + issuer + "\", \"jwks_uri\": \"" + issuer + "/certs\"}";
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        issuerServer.createContext("/realms/test/.well-known/openid-configuration", exchange -> reply(exchange,
                discovery));
        issuerServer.createContext("/realms/test/certs", exchange -> reply(exchange, jwks));
        issuerServer.start();
        server = AuthServer.withOidc(directory, new OidcOptions(URI.create(issuer), AUDIENCE,
                OidcOptions.DEFAULT_USERNAME_CLAIM, Optional.of("mlops-admins"), OidcOptions.DEFAULT_GROUPS_CLAIM));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (issuerServer != null) {
            issuerServer.stop(0);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private String token(RSAKey signingKey, String audience, long expiresInSeconds, String username,
            List<String> groups) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("sub-" + username)
                .claim("preferred_username", username).claim("groups", groups)
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
                claims);
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    @Test
    void aValidTokenMapsToAUserCreatedOnFirstSight() throws Exception {
        String jwt = token(key, AUDIENCE, 300, "olivia", List.of("data-science"));

        ApiClient.Response response = server.bearer(jwt).post(API + "experiments/create", "{\"name\": \"oidc\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        Optional<User> user = server.auth.user("olivia");
        assertThat(user).hasValueSatisfying(found -> assertThat(found.admin()).isFalse());
        String experimentId = response.json().get("experiment_id").asText();
        assertThat(server.auth.getExperimentPermission(experimentId, "olivia").permission().canManage()).isTrue();
        assertThat(server.bearer(jwt).get("/api/2.0/slipway/users/list").status()).isEqualTo(403);
    }

    @Test
    void membersOfTheAdminGroupAreAdministrators() throws Exception {
        String jwt = token(key, AUDIENCE, 300, "paul", List.of("mlops-admins"));

        assertThat(server.bearer(jwt).get("/api/2.0/slipway/users/list").status()).isEqualTo(200);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        String jwt = token(otherKey, AUDIENCE, 300, "mallory", List.of("mlops-admins"));

        assertThat(server.bearer(jwt).get(API + "experiments/search").status()).isEqualTo(401);
        assertThat(server.auth.user("mallory")).isEmpty();
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        String jwt = token(key, "some-other-app", 300, "quinn", List.of());

        assertThat(server.bearer(jwt).get(API + "experiments/search").status()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String jwt = token(key, AUDIENCE, -600, "rita", List.of());

        ApiClient.Response response = server.bearer(jwt).get(API + "experiments/search");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("Basic realm=\"mlflow\"");
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("http://elsewhere.example").audience(AUDIENCE)
                .claim("preferred_username", "sam").expirationTime(new Date(System.currentTimeMillis() + 300_000))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("key-1").build(), claims);
        jwt.sign(new RSASSASigner(key));

        assertThat(server.bearer(jwt.serialize()).get(API + "experiments/search").status()).isEqualTo(401);
    }
}
