package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.artifacts.LocalArtifactRepositoryFactory;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.server.BCryptPasswordHasher;
import dev.slipway.server.ServerAuth;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import dev.slipway.store.jdbc.JdbcAuthStoreFactory;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI on a server with {@code --auth basic}: the browser's Basic prompt, pages checked like the API, and lists
 * without what the user cannot read. Also: every UI route has an access rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiAuthTest {
    @TempDir
    static Path directory;

    private TrackingStore store;
    private RegistryStore registryStore;
    private LoggedModelStore loggedModelStore;
    private PredictionLogStore predictionLogStore;
    private AuthStore authStore;
    private SlipwayServer server;
    private String experimentId;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        String backendUri = "sqlite://" + directory.resolve("mlflow.db").toAbsolutePath();
        store = new JdbcTrackingStoreFactory().open(backendUri);
        registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        predictionLogStore = new JdbcPredictionLogStoreFactory().open(backendUri);
        authStore = new JdbcAuthStoreFactory().open(backendUri);
        TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        RegistryService registry = new RegistryService(registryStore, Clock.systemUTC());
        LoggedModelService loggedModels = new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC());
        ArtifactRepositories artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(directory.resolve("mlartifacts").toUri().toString()));
        PredictionLogService predictionLog = new PredictionLogService(predictionLogStore, Clock.systemUTC());
        AuthService auth = new AuthService(authStore, new BCryptPasswordHasher(4), Permission.NO_PERMISSIONS,
                Clock.systemUTC());
        auth.ensureAdmin("admin", Optional.of("admin-password"));
        for (String user : List.of("owner", "reader", "stranger")) {
            auth.createUser(user, user + "-password", false);
        }
        UiServices services = new UiServices(tracking, registry, loggedModels, predictionLog, artifacts,
                Clock.systemUTC(), ZoneOffset.UTC);
        server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking, registry, loggedModels,
                predictionLog, artifacts, true, List.of(), 16L * 1024 * 1024, "0.1.0-test",
                List.of(new WebUi(services))).withAuth(new ServerAuth(auth, Optional.empty())));
        experimentId = tracking.createExperiment("owners-secret-experiment", Optional.empty(), List.of());
        auth.experimentCreated(experimentId, "owner");
        auth.createExperimentPermission(experimentId, "reader", Permission.READ);
        registry.createRegisteredModel("owners-model", Optional.empty(), List.of());
        auth.registeredModelCreated("owners-model", "owner");
    }

    @AfterAll
    void stop() {
        server.stop();
        authStore.close();
        predictionLogStore.close();
        loggedModelStore.close();
        registryStore.close();
        store.close();
    }

    private HttpResponse<String> get(String path, Optional<String> user) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        user.ifPresent(name -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((name + ":" + name + "-password").getBytes(StandardCharsets.UTF_8))));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRouteOfTheApiAndTheUiHasAnAccessRule() {
        assertThat(server.routesWithoutAccessRule()).isEmpty();
    }

    @Test
    void theBrowserIsAskedToLogIn() throws Exception {
        HttpResponse<String> page = get("/", Optional.empty());

        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"mlflow\"");
        assertThat(get("/static/slipway.css", Optional.empty()).statusCode()).isNotIn(401, 403);
    }

    @Test
    void listsShowOnlyWhatTheUserCanRead() throws Exception {
        assertThat(get("/", Optional.of("reader")).body()).contains("owners-secret-experiment");
        HttpResponse<String> strangers = get("/", Optional.of("stranger"));
        assertThat(strangers.statusCode()).isEqualTo(200);
        assertThat(strangers.body()).doesNotContain("owners-secret-experiment");
        assertThat(get("/models", Optional.of("owner")).body()).contains("owners-model");
        assertThat(get("/models", Optional.of("reader")).body()).doesNotContain("owners-model");
    }

    @Test
    void pagesOfAResourceNeedReadOnIt() throws Exception {
        assertThat(get("/experiments/" + experimentId, Optional.of("reader")).statusCode()).isEqualTo(200);
        assertThat(get("/experiments/" + experimentId, Optional.of("stranger")).statusCode()).isEqualTo(403);
        assertThat(get("/models/owners-model", Optional.of("owner")).statusCode()).isEqualTo(200);
        assertThat(get("/models/owners-model", Optional.of("stranger")).statusCode()).isEqualTo(403);
        assertThat(get("/monitoring", Optional.of("stranger")).statusCode()).isEqualTo(200);
    }

    @Test
    void formActionsNeedTheirPermission() throws Exception {
        HttpRequest rename = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/experiments/"
                + experimentId + "/rename")).header("HX-Request", "true")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "reader:reader-password".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("name=renamed")).build();

        assertThat(http.send(rename, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }
}
